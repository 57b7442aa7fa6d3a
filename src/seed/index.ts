/** The demo seed's public surface: start-up and tests import from here. */
export { seedDemo, isSeeded } from "./demoData";
/** Ids of the seeded rows, by organization slug, user email and "org/Team". */
export type { DemoSeed } from "./demoData";
