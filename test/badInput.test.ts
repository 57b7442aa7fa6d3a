import request from "supertest";
import { EntityTarget, ObjectLiteral } from "typeorm";
import { ApiScope } from "../src/entities/enums";
import { entities } from "../src/entities";
import { ApiKey } from "../src/entities/ApiKey";
import { User } from "../src/entities/User";
import { Conversation } from "../src/entities/Conversation";
import { createApiKey } from "./helpers/factories";
import { codes, GraphQLResponse, startTestApp, TestApp } from "./helpers/testApp";

/** Every response body this file receives, for the "no stack traces anywhere" check. */
const bodies: unknown[] = [];

/** Tables whose rows a read could legitimately touch (last-seen timestamps); only counted, not compared. */
const TOUCHABLE = new Set<unknown>([User, ApiKey]);

type Snapshot = Record<string, { count: number; content: string | null }>;

describe("bad input", () => {
  let app: TestApp;
  let admin: string;
  let apiKey: string;
  let before: Snapshot;

  const nameOf = (entity: unknown): string => (entity as { name: string }).name;

  /** Row counts of every entity, and the full content of the tables no read may change. */
  async function snapshot(): Promise<Snapshot> {
    const result: Snapshot = {};
    for (const entity of entities as EntityTarget<ObjectLiteral>[]) {
      const rows = await app.db.manager.find(entity);
      result[nameOf(entity)] = {
        count: rows.length,
        content: TOUCHABLE.has(entity) ? null : rows.map((r) => JSON.stringify(r)).sort().join("\n"),
      };
    }
    return result;
  }

  /** POSTs GraphQL as the admin and remembers the body. */
  async function gql(query: string, variables?: Record<string, unknown>, authorization = admin): Promise<GraphQLResponse> {
    const res = await app.gqlWithAuth(authorization, query, variables);
    bodies.push(res.body);
    return res;
  }

  /** POSTs a raw body and remembers what came back. */
  async function raw(body: string, contentType = "application/json") {
    const res = await request(app.url).post("/graphql").set("content-type", contentType).set("authorization", admin).send(body);
    bodies.push(res.body);
    return res;
  }

  beforeAll(async () => {
    app = await startTestApp();
    admin = `Bearer ${await app.token("admin@acme.test")}`;
    apiKey = await createApiKey(app, { scopes: [ApiScope.CONVERSATIONS_READ, ApiScope.CONTACTS_READ_PII] });
    before = await snapshot();
  });
  afterAll(async () => { await app.close(); });

  describe("malformed HTTP requests get a GraphQL-shaped 400", () => {
    it("malformed JSON body → 400 {errors: [{extensions: {code: BAD_REQUEST}}]}", async () => {
      const res = await raw('{"query": "{ me { kind } }"');
      expect(res.status).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions).toEqual({ code: "BAD_REQUEST" });
    });

    it("a body over the size limit → 413 with BAD_REQUEST", async () => {
      const res = await raw(JSON.stringify({ query: "{ me { kind } }", variables: { pad: "x".repeat(200_000) } }));
      expect(res.status).toBe(413);
      expect(res.body.errors.map((e: { extensions: unknown }) => e.extensions)).toEqual([{ code: "BAD_REQUEST" }]);
    });

    it("a JSON object without a query → 400 BAD_REQUEST", async () => {
      const res = await raw("{}");
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["BAD_REQUEST"]);
    });

    it("a batch (array body) is refused with 400 BAD_REQUEST: batching is off", async () => {
      const res = await raw(JSON.stringify([{ query: "{ me { kind } }" }, { query: "{ me { kind } }" }]));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["BAD_REQUEST"]);
    });

    it("a simple (CSRF-able) text/plain POST is refused with 400 BAD_REQUEST", async () => {
      const res = await raw(JSON.stringify({ query: "{ me { kind } }" }), "text/plain");
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["BAD_REQUEST"]);
    });
  });

  describe("documents the schema rejects", () => {
    it("an unknown field → 400 GRAPHQL_VALIDATION_FAILED, no data", async () => {
      const res = await gql("{ me { kind nope } }");
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("a syntax error → 400 GRAPHQL_PARSE_FAILED", async () => {
      const res = await gql("{ me { kind ");
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    });

    it("a literal of the wrong type → GRAPHQL_VALIDATION_FAILED", async () => {
      const res = await gql('{ conversations(first: "x") { totalCount } }');
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("a variable of the wrong type (first: \"x\") → 400 BAD_USER_INPUT, no data", async () => {
      const res = await gql("query($first: Int!) { conversations(first: $first) { totalCount } }", { first: "x" });
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
    });

    it("an unknown enum value or input field in variables → BAD_USER_INPUT", async () => {
      const q = "query($f: ConversationFilter) { conversations(filter: $f) { totalCount } }";
      expect(codes(await gql(q, { f: { status: "NOPE" } }))).toEqual(["BAD_USER_INPUT"]);
      expect(codes(await gql(q, { f: { nope: true } }))).toEqual(["BAD_USER_INPUT"]);
    });

    it("two operations without an operationName → 400 OPERATION_RESOLUTION_FAILURE", async () => {
      const res = await gql("query A { me { kind } } query B { me { kind } }");
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(["OPERATION_RESOLUTION_FAILURE"]);
    });
  });

  describe("arguments the resolvers reject", () => {
    const PAGE = "query($first: Int!, $after: String) { conversations(first: $first, after: $after) { totalCount } }";

    it.each([101, 1000, -1])("first: %i → BAD_USER_INPUT at conversations", async (first) => {
      const res = await gql(PAGE, { first });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ conversations: null });
      expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["conversations"], "BAD_USER_INPUT"]]);
    });

    it.each([0, 1, 100])("first: %i is accepted (the bounds are inclusive)", async (first) => {
      const res = await gql(PAGE, { first });
      expect(res.body).toEqual({ data: { conversations: { totalCount: 40 } } });
    });

    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    it.each([
      ["not base64 JSON", "garbage!!"],
      ["JSON of the wrong shape", b64({ at: "2024-01-01T00:00:00.000Z", id: "x" })],
      ["an array of three", b64(["2024-01-01T00:00:00.000Z", "x", "y"])],
      ["a date that is not one", b64(["yesterday-ish", "x"])],
      ["numbers instead of strings", b64([1, 2])],
    ])("after: %s → BAD_USER_INPUT", async (_name, after) => {
      const res = await gql(PAGE, { first: 5, after });
      expect(res.body.data).toEqual({ conversations: null });
      expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["conversations"], "BAD_USER_INPUT"]]);
    });

    it.each([101, -1])("notes(last: %i) and messages(last: same) → BAD_USER_INPUT at the field", async (last) => {
      for (const field of ["notes", "messages"]) {
        const res = await gql(`query($last: Int!) { conversations(first: 1) { nodes { ${field}(last: $last) { id } } } }`, { last });
        expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["conversations", "nodes", 0, field], "BAD_USER_INPUT"]]);
      }
    });

    it.each(["1", "abc", "' OR 1=1 --", "00000000-0000-0000-0000-00000000000g", "x".repeat(500)])(
      "an id of the wrong shape (%s) → NOT_FOUND for conversation and queue",
      async (id) => {
        const res = await gql("query($id: ID!) { conversation(id: $id) { id } queue(teamId: $id) { open } }", { id });
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual({ conversation: null, queue: null });
        expect(res.body.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([[["conversation"], "NOT_FOUND"], [["queue"], "NOT_FOUND"]]);
      });

    it("an upper-cased copy of a real id → NOT_FOUND on every database (MariaDB compares case-insensitively)", async () => {
      const [conversation] = await app.db.manager.find(Conversation, { where: { organizationId: app.seed.organizations.acme }, take: 1 });
      const sales = app.seed.teams["acme/Sales"];
      const query = "query($id: ID!, $team: ID!) { conversation(id: $id) { id } queue(teamId: $team) { open } }";
      const control = await gql(query, { id: conversation.id, team: sales });
      expect(control.body.errors).toBeUndefined();
      expect(control.body.data?.conversation).toEqual({ id: conversation.id });
      const res = await gql(query, { id: conversation.id.toUpperCase(), team: sales.toUpperCase() });
      expect(res.body.data).toEqual({ conversation: null, queue: null });
      expect(res.body.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([[["conversation"], "NOT_FOUND"], [["queue"], "NOT_FOUND"]]);
    });

    it("ids of the wrong shape in filters narrow to nothing instead of failing", async () => {
      const res = await gql("query($f: ConversationFilter) { conversations(filter: $f) { totalCount nodes { id } } }",
        { f: { teamId: "x", assigneeId: "' OR 1=1 --", labelIds: ["1"] } });
      expect(res.body).toEqual({ data: { conversations: { totalCount: 0, nodes: [] } } });
      const users = await gql('{ users(teamId: "nope") { id } }');
      expect(users.body).toEqual({ data: { users: [] } });
    });
  });

  it("no error in any response carries a stacktrace (NODE_ENV is test)", async () => {
    expect(app.config.nodeEnv).toBe("test");
    // Some of the errors above went through resolvers, so formatError saw them all.
    expect(bodies.length).toBeGreaterThan(30);
    const withErrors = bodies.filter((b) => Array.isArray((b as { errors?: unknown }).errors));
    expect(withErrors.length).toBeGreaterThan(25);
    for (const body of withErrors) {
      for (const error of (body as { errors: { extensions?: Record<string, unknown> }[] }).errors) {
        expect(error.extensions).toBeDefined();
        expect(Object.keys(error.extensions!)).not.toContain("stacktrace");
        expect(Object.keys(error.extensions!)).not.toContain("exception");
      }
      expect(JSON.stringify(body)).not.toMatch(/stacktrace|    at /);
    }
  });

  it("reads and rejected requests write nothing: every table has the same rows before and after", async () => {
    // One root field per request: a denied non-null root field would null the others' data.
    const reads = [
      "{ me { kind role user { id email } teams { id } scopes can } }",
      `{ conversations(first: 100) {
          totalCount
          nodes {
            id status priority version insideServiceWindow
            team { id name members { id email lastActiveAt openAssignmentCount } }
            contact { name phoneNumber whatsappId maskedPhoneNumber }
            assignee { id email lastActiveAt openAssignmentCount teams { id } }
            labels { id name } notes(last: 5) { body author { id } } messages(last: 5) { body sender { id } }
            assignmentHistory { action fromAssignee { id } toAssignee { id } assignedBy { id } }
          }
        } }`,
      `query($sales: ID!) { queue(teamId: $sales) { open unassigned pending oldestUnassignedAgeSeconds byAssignee { open pending assignee { id } } } }`,
      "{ teams { id members { id } } }",
      "{ users { id email openAssignmentCount } }",
      "{ labels(includeArchived: true) { id name archived } }",
      "{ templates { id name status } }",
      "{ auditEntries(first: 10) { totalCount nodes { id ipAddress userAgent } } }",
      "{ apiKeys { id name revokedAt } }",
    ];
    const vars = { sales: app.seed.teams["acme/Sales"] };
    const principals = [
      admin, apiKey, `Bearer ${await app.token("admin@globex.test")}`,
      ...(await Promise.all(["maya@acme.test", "sam@acme.test", "ali@acme.test", "bea@acme.test", "carl@acme.test", "gina@globex.test"]
        .map(async (email) => `Bearer ${await app.token(email)}`))),
    ];
    let answered = 0;
    for (const authorization of principals) {
      for (const query of reads) {
        const res = await gql(query, query.includes("$sales") ? vars : undefined, authorization);
        expect(res.status).toBe(200);
        // Denials are fine here; anything else would mean a broken read.
        expect(codes(res).filter((c) => c !== "FORBIDDEN" && c !== "NOT_FOUND")).toEqual([]);
        if (res.body.data) answered++;
      }
    }
    expect(answered).toBeGreaterThan(principals.length * 5);
    // And a last round of bad requests, authenticated or not.
    await raw("{ not json");
    await gql("{ conversations(first: 1000) { totalCount } }");
    await gql('{ conversation(id: "1") { id } }');
    await gql("{ me { kind } }", undefined, "Bearer nope");

    const after = await snapshot();
    expect(Object.keys(after).length).toBe(entities.length);
    expect(after.Conversation.count).toBe(80);
    expect(after.ApiKey.count).toBe(1);
    for (const name of Object.keys(before)) {
      expect([name, after[name]]).toEqual([name, before[name]]);
    }
  });
});
