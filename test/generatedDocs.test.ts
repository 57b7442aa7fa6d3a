/**
 * Committed artifacts that are generated from the code must match what the code generates now,
 * and the migrations must build exactly the schema the entities describe.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderPermissionsReference } from "../src/permissions/reference";
import { buildBareSchema, printSchemaFile } from "../src/schema";
import { startTestApp, TestApp } from "./helpers/testApp";

const ROOT = resolve(__dirname, "..");

/** Fails with the file's name, the first differing line and the fix, instead of a wall of diff. */
function expectGenerated(file: string, expected: string): void {
  const actual = readFileSync(resolve(ROOT, file), "utf8");
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  const line = e.findIndex((text, i) => a[i] !== text);
  const at = line < 0 ? e.length : line;
  throw new Error(`${file} is stale: run npm run generate\n` +
    `first difference at line ${at + 1}:\n  committed: ${JSON.stringify(a[at])}\n  generated: ${JSON.stringify(e[at])}`);
}

describe("generated documents", () => {
  it("schema.graphql is what the resolvers generate", () => {
    expectGenerated("schema.graphql", printSchemaFile(buildBareSchema()));
  });

  it("docs/permissions.md is what the permission code generates", () => {
    expectGenerated("docs/permissions.md", renderPermissionsReference());
  });
});

describe("migrations", () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(async () => { await app.close(); });

  it("build exactly the schema the entities describe (the schema builder has nothing to change)", async () => {
    const pending = await app.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
