/**
 * buildShield leaves the fields the map classifies as `whoeverSeesParent` unwrapped (that is most
 * of what makes authorization cheap). Deny-by-default must survive that: a field the map does not
 * list, on a new type or on a type whose other fields are open, is still FORBIDDEN at runtime.
 */
import { execute, extendSchema, getNamedType, GraphQLSchema, isObjectType, parse } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { loadUserPrincipal } from "../src/auth/loadPrincipal";
import { buildContext } from "../src/context";
import { buildShield, isOpenWithParent, permissionMap } from "../src/permissions/shield";
import { buildBareSchema } from "../src/schema";
import { startTestApp, TestApp } from "./helpers/testApp";

describe("the lean shield", () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(async () => { await app.close(); });

  /** The real schema plus fields nobody classified: one on Query, and `Label.nameKey`, a real column the API does not expose. */
  const extended = (): GraphQLSchema => extendSchema(buildBareSchema(), parse(`
    extend type Query { unlistedField: String }
    extend type Label { nameKey: String }
    type Unlisted { secret: String }
    extend type Query { unlistedObject: Unlisted }
  `));

  async function run(schema: GraphQLSchema, email: string, source: string) {
    const principal = (await loadUserPrincipal(app.db.manager, app.seed.users[email]))!;
    const contextValue = buildContext(app.gateway.services, principal, { ip: null, userAgent: null });
    const rootValue = { unlistedField: "leak", unlistedObject: { secret: "leak" } };
    return execute({ schema, document: parse(source), contextValue, rootValue });
  }

  it("denies a field missing from the permission map, on a new type and on a type whose mapped fields are open", async () => {
    expect(permissionMap.Label.nameKey).toBeUndefined();
    const governed = applyMiddleware(extended(), buildShield());
    const result = await run(governed, "admin@acme.test", "{ unlistedField unlistedObject { secret } labels { id name nameKey } }");
    const data = result.data as { unlistedField: unknown; unlistedObject: unknown; labels: { id: string; name: string; nameKey: unknown }[] };
    expect(data.unlistedField).toBeNull();
    expect(data.unlistedObject).toBeNull();
    expect(data.labels.length).toBeGreaterThan(0);
    expect(data.labels.every((l) => l.name && l.nameKey === null)).toBe(true);
    const denied = (result.errors ?? []).map((e) => [e.path?.join("."), e.extensions?.code]);
    expect(denied).toEqual(expect.arrayContaining([["unlistedField", "FORBIDDEN"], ["unlistedObject", "FORBIDDEN"], ["labels.0.nameKey", "FORBIDDEN"]]));
    expect((result.errors ?? []).every((e) => e.extensions?.code === "FORBIDDEN")).toBe(true);
  });

  it("the same fields answer on the schema without the shield (so the denial above is the shield's doing)", async () => {
    const result = await run(extended(), "admin@acme.test", "{ unlistedField labels { nameKey } }");
    expect(result.errors).toBeUndefined();
    expect((result.data as { unlistedField: string }).unlistedField).toBe("leak");
  });

  it("wraps exactly the fields that are not open with their parent, and leaves those resolvers untouched", () => {
    const bare = buildBareSchema();
    const governed = applyMiddleware(bare, buildShield());
    let open = 0;
    let guarded = 0;
    for (const type of Object.values(bare.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const after = governed.getType(type.name);
      if (!isObjectType(after)) throw new Error(`${type.name} lost`);
      for (const [name, field] of Object.entries(type.getFields())) {
        const wrapped = after.getFields()[name].resolve !== field.resolve;
        expect([`${type.name}.${name}`, wrapped]).toEqual([`${type.name}.${name}`, !isOpenWithParent(type.name, name)]);
        if (wrapped) guarded++; else open++;
        expect(getNamedType(after.getFields()[name].type).name).toBe(getNamedType(field.type).name);
      }
    }
    expect(open).toBeGreaterThan(100);
    expect(guarded).toBeGreaterThan(40);
  });

  it("a restricted field keeps its rule: an agent reads a contact's phone number only where the policy says", async () => {
    const governed = applyMiddleware(buildBareSchema(), buildShield());
    const result = await run(governed, "ali@acme.test", "{ conversations(first: 100) { nodes { assignee { id } contact { phoneNumber } } } }");
    const nodes = (result.data as { conversations: { nodes: { assignee: { id: string } | null; contact: { phoneNumber: string | null } }[] } }).conversations.nodes;
    const mine = nodes.filter((n) => n.assignee?.id === app.seed.users["ali@acme.test"]);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((n) => n.contact.phoneNumber !== null)).toBe(true);
    expect(nodes.some((n) => n.contact.phoneNumber === null)).toBe(true);
    expect((result.errors ?? []).every((e) => e.extensions?.code === "FORBIDDEN" && e.path?.[e.path.length - 1] === "phoneNumber")).toBe(true);
  });
});
