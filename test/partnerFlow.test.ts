import { IsNull, MoreThan } from "typeorm";
import { hashSecret } from "../src/auth/loadPrincipal";
import { ApiKey } from "../src/entities/ApiKey";
import { Assignment } from "../src/entities/Assignment";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { ConversationStatus } from "../src/entities/enums";
import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, startTestApp, TestApp } from "./helpers/testApp";

// End to end, as a partner app lives it: an ADMIN issues a key, the partner assigns Sales
// conversations with it (retrying safely), keys without the scope or the team are refused, and
// revocation locks the partner out on its next request. Demo facts: src/seed/demoData.ts.

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id name scopes teamIds revokedAt createdAt } secret authorization } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id name revokedAt } }`;
const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id version assignee { id name } } }`;
const ME = `{ me { kind scopes teams { name } } }`;
const API_KEYS = `{ apiKeys { id name scopes teamIds revokedAt createdAt } }`;
const AUDIT = `{ auditEntries(first: 100) { totalCount nodes { seq action actorType actorId actorRole targetType targetId teamId outcome before after } } }`;

let app: TestApp;
let acme: string;
let sales: string;
let support: string;
let ali: string;
let carl: string;
/** Every secret handed out in this file, to prove none is ever stored or echoed. */
const secrets: string[] = [];

/** The highest audit sequence number of Acme so far. */
async function lastSeq(): Promise<number> {
  const last = await app.db.manager.findOne(AuditEntry, { where: { organizationId: acme }, order: { seq: "DESC" } });
  return last?.seq ?? 0;
}

/** Acme's audit entries written after `seq`, oldest first. */
const entriesAfter = (seq: number): Promise<AuditEntry[]> =>
  app.db.manager.find(AuditEntry, { where: { organizationId: acme, seq: MoreThan(seq) }, order: { seq: "ASC" } });

/** Rows the partner flow could change, read straight from the database (audit entries counted). */
async function snapshot() {
  const m = app.db.manager;
  return {
    apiKeys: await m.find(ApiKey, { order: { id: "ASC" } }),
    conversations: await m.find(Conversation, { order: { id: "ASC" } }),
    assignments: await m.count(Assignment),
    auditEntries: await m.count(AuditEntry),
  };
}

/** Unassigned open Sales conversations, oldest first, as the database holds them now. */
const unassignedSales = (): Promise<Conversation[]> =>
  app.db.manager.find(Conversation, {
    where: { organizationId: acme, teamId: sales, assigneeId: IsNull(), status: ConversationStatus.OPEN }, order: { createdAt: "ASC", id: "ASC" },
  });

/** The ADMIN issues a key through the API; returns the mutation's answer. */
async function issueKey(name: string, scopes: string[], teamIds: string[]) {
  const res = await app.gql("admin@acme.test", CREATE_KEY, { input: { name, scopes, teamIds } });
  expect(res.body.errors).toBeUndefined();
  const created = res.body.data!.createApiKey as { apiKey: { id: string; name: string; scopes: string[]; teamIds: string[] }; secret: string; authorization: string };
  secrets.push(created.secret);
  return created;
}

const assignInput = (conversationId: string, assigneeId: string, extra: Record<string, unknown> = {}) =>
  ({ input: { conversationId, assigneeId, ...extra } });

beforeAll(async () => {
  app = await startTestApp();
  acme = app.seed.organizations.acme;
  sales = app.seed.teams["acme/Sales"];
  support = app.seed.teams["acme/Support"];
  ali = app.seed.users["ali@acme.test"];
  carl = app.seed.users["carl@acme.test"];
});
afterAll(async () => { await app.close(); });

describe("a partner app's key, from issue to revocation", () => {
  let partner: Awaited<ReturnType<typeof issueKey>>;

  test("an ADMIN creates a key: the secret is shown once, stored only as its hash, and kept out of the audit entry", async () => {
    const seq = await lastSeq();
    partner = await issueKey("Partner CRM", ["ASSIGNMENTS_WRITE", "CONVERSATIONS_READ"], [sales]);
    const { apiKey, secret, authorization } = partner;
    expect(apiKey).toEqual({
      id: expect.any(String), name: "Partner CRM", scopes: ["ASSIGNMENTS_WRITE", "CONVERSATIONS_READ"], teamIds: [sales],
      revokedAt: null, createdAt: app.clock.now.toISOString(),
    });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(authorization).toBe(`ApiKey ${apiKey.id}.${secret}`);

    const row = await app.db.manager.findOneByOrFail(ApiKey, { id: apiKey.id });
    expect(row).toMatchObject({
      organizationId: acme, name: "Partner CRM", scopes: ["assignments:write", "conversations:read"], teamIds: [sales],
      createdById: app.seed.users["admin@acme.test"], revokedAt: null, secretHash: hashSecret(secret),
    });
    expect(JSON.stringify(row)).not.toContain(secret);

    const entries = await entriesAfter(seq);
    expect(entries.map((e) => [e.action, e.outcome, e.actorType, e.actorRole, e.targetType, e.targetId, e.teamId])).toEqual([
      ["apiKey.create", "SUCCESS", "USER", "ADMIN", "ApiKey", apiKey.id, null],
    ]);
    expect(JSON.parse(entries[0].after!)).toEqual({ name: "Partner CRM", scopes: ["assignments:write", "conversations:read"], teamIds: [sales] });
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(row.secretHash);
  });

  test("the partner authenticates with `authorization` and sees its granted team and scopes", async () => {
    const res = await app.gqlWithAuth(partner.authorization, ME);
    expect(res.body).toEqual({ data: { me: { kind: "API_KEY", scopes: ["ASSIGNMENTS_WRITE", "CONVERSATIONS_READ"], teams: [{ name: "Sales" }] } } });
  });

  test("it assigns an unassigned Sales conversation to ali: audited as the API key, with a history row", async () => {
    const [target] = await unassignedSales();
    const seq = await lastSeq();
    const res = await app.gqlWithAuth(partner.authorization, ASSIGN, assignInput(target.id, ali, { reason: "CRM routing" }));
    expect(res.body).toEqual({ data: { assignConversation: { id: target.id, version: target.version + 1, assignee: { id: ali, name: "Ali Agent" } } } });
    const entries = await entriesAfter(seq);
    expect(entries.map((e) => [e.action, e.outcome, e.actorType, e.actorId, e.actorRole, e.targetId, e.teamId])).toEqual([
      ["conversation.assign", "SUCCESS", "API_KEY", partner.apiKey.id, null, target.id, sales],
    ]);
    const history = await app.db.manager.findBy(Assignment, { conversationId: target.id });
    expect(history.map((h) => [h.action, h.toAssigneeId, h.assignedById, h.assignedByApiKeyId])).toEqual([["ASSIGN", ali, null, partner.apiKey.id]]);
  });

  test("with idempotencyKey k1 twice: the same answer, one assignment row, one audit entry; k1 with another assignee is CONFLICT", async () => {
    const [target] = await unassignedSales();
    const seq = await lastSeq();
    const input = assignInput(target.id, ali, { idempotencyKey: "k1" });
    const first = await app.gqlWithAuth(partner.authorization, ASSIGN, input);
    expect(first.body.errors).toBeUndefined();
    const second = await app.gqlWithAuth(partner.authorization, ASSIGN, input);
    expect(second.body).toEqual(first.body);
    expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome, e.targetId])).toEqual([["conversation.assign", "SUCCESS", target.id]]);
    expect(await app.db.manager.countBy(Assignment, { conversationId: target.id })).toBe(1);

    const other = await app.gqlWithAuth(partner.authorization, ASSIGN, assignInput(target.id, carl, { idempotencyKey: "k1" }));
    expect(codes(other)).toEqual(["CONFLICT"]);
    expect((await app.db.manager.findOneByOrFail(Conversation, { id: target.id })).assigneeId).toBe(ali);
    expect(await app.db.manager.countBy(Assignment, { conversationId: target.id })).toBe(1);
    expect((await entriesAfter(seq)).filter((e) => e.outcome === "SUCCESS")).toHaveLength(1);
  });

  test("a key with only conversations:read may not assign: FORBIDDEN, one DENIED entry, nothing else written", async () => {
    const reader = await issueKey("Read-only dashboard", ["CONVERSATIONS_READ"], [sales]);
    const [target] = await unassignedSales();
    expect((await app.gqlWithAuth(reader.authorization, `query($id: ID!) { conversation(id: $id) { id } }`, { id: target.id })).body.data)
      .toEqual({ conversation: { id: target.id } });
    const seq = await lastSeq();
    const before = await snapshot();
    const res = await app.gqlWithAuth(reader.authorization, ASSIGN, assignInput(target.id, ali));
    expect(codes(res)).toEqual(["FORBIDDEN"]);
    expect(res.body.data).toBeNull();
    const after = await snapshot();
    expect({ ...after, auditEntries: after.auditEntries - 1 }).toEqual(before);
    expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome, e.actorType, e.actorId, e.targetId])).toEqual([
      ["conversation.assign", "DENIED", "API_KEY", reader.apiKey.id, target.id],
    ]);
  });

  test("a key for Support only cannot reach a Sales conversation: NOT_FOUND, and it is unchanged", async () => {
    const supportKey = await issueKey("Support bot", ["ASSIGNMENTS_WRITE", "CONVERSATIONS_READ"], [support]);
    const [target] = await unassignedSales();
    const seq = await lastSeq();
    const res = await app.gqlWithAuth(supportKey.authorization, ASSIGN, assignInput(target.id, ali));
    expect(codes(res)).toEqual(["NOT_FOUND"]);
    expect(await app.db.manager.findOneByOrFail(Conversation, { id: target.id })).toEqual(target);
    expect(await app.db.manager.countBy(Assignment, { conversationId: target.id })).toBe(0);
    expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome, e.actorId])).toEqual([["conversation.assign", "DENIED", supportKey.apiKey.id]]);
    const read = await app.gqlWithAuth(supportKey.authorization, `query($id: ID!) { conversation(id: $id) { id } }`, { id: target.id });
    expect(codes(read)).toEqual(["NOT_FOUND"]);
  });

  test("the apiKeys query lists the key without its secret (ApiKey has no such field)", async () => {
    const res = await app.gql("admin@acme.test", API_KEYS);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.apiKeys).toContainEqual({ ...partner.apiKey });
    for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
    const asked = await app.gql("admin@acme.test", `{ apiKeys { id secret } }`);
    expect(codes(asked)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(codes(await app.gql("maya@acme.test", API_KEYS))).toEqual(["FORBIDDEN"]);
  });

  test("revokeApiKey: the key's next request is 401 UNAUTHENTICATED; revoking again is CONFLICT", async () => {
    const seq = await lastSeq();
    const res = await app.gql("admin@acme.test", REVOKE_KEY, { id: partner.apiKey.id });
    expect(res.body).toEqual({ data: { revokeApiKey: { id: partner.apiKey.id, name: "Partner CRM", revokedAt: app.clock.now.toISOString() } } });
    expect((await app.db.manager.findOneByOrFail(ApiKey, { id: partner.apiKey.id })).revokedAt).toEqual(app.clock.now);
    expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.teamId])).toEqual([
      ["apiKey.revoke", "SUCCESS", "ApiKey", partner.apiKey.id, null],
    ]);

    const next = await app.gqlWithAuth(partner.authorization, ME);
    expect(next.status).toBe(401);
    expect(next.body.data).toBeUndefined();
    expect(codes(next)).toEqual(["UNAUTHENTICATED"]);
    const [target] = await unassignedSales();
    const assign = await app.gqlWithAuth(partner.authorization, ASSIGN, assignInput(target.id, ali));
    expect(assign.status).toBe(401);

    const again = await app.gql("admin@acme.test", REVOKE_KEY, { id: partner.apiKey.id });
    expect(codes(again)).toEqual(["CONFLICT"]);
    expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome])).toEqual([["apiKey.revoke", "SUCCESS"], ["apiKey.revoke", "CONFLICT"]]);
  });

  test("no secret appears anywhere in the audit trail, and api_keys rows hold only their hashes", async () => {
    const audit = await app.gql("admin@acme.test", AUDIT);
    expect(audit.body.errors).toBeUndefined();
    const rows = await app.db.manager.find(AuditEntry, {});
    const keys = await app.db.manager.find(ApiKey, { where: { organizationId: acme } });
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      expect(JSON.stringify(audit.body)).not.toContain(secret);
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(JSON.stringify(keys)).not.toContain(secret);
      expect(keys.map((k) => k.secretHash)).toContain(hashSecret(secret));
      expect(JSON.stringify(rows)).not.toContain(hashSecret(secret));
    }
  });
});

describe("who may issue and revoke keys, and what they must give", () => {
  const CREATE = (teamIds: string[]) => ({ input: { name: "Ops", scopes: ["CONVERSATIONS_READ"], teamIds } });

  async function expectNothingWritten(run: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> {
    const before = await snapshot();
    const res = await run();
    expect(await snapshot()).toEqual(before);
    return res;
  }

  test.each([["MANAGER", "maya@acme.test"], ["AGENT", "ali@acme.test"]])(
    "as %s: createApiKey and revokeApiKey are FORBIDDEN, each with one DENIED entry and nothing else written", async (role, email) => {
      const target = await createApiKeyFor(app, { scopes: [], teamNames: ["Sales"] });
      const keyId = target.slice("ApiKey ".length).split(".")[0];
      for (const [query, vars, action, targetId] of [
        [CREATE_KEY, CREATE([sales]), "apiKey.create", null],
        [REVOKE_KEY, { id: keyId }, "apiKey.revoke", keyId],
      ] as const) {
        const seq = await lastSeq();
        const before = await snapshot();
        const res = await app.gql(email, query, vars);
        expect(codes(res)).toEqual(["FORBIDDEN"]);
        const after = await snapshot();
        expect({ ...after, auditEntries: after.auditEntries - 1 }).toEqual(before);
        expect((await entriesAfter(seq)).map((e) => [e.action, e.outcome, e.actorRole, e.targetId])).toEqual([[action, "DENIED", role, targetId]]);
      }
    });

  test("an API key may not issue keys", async () => {
    const key = await createApiKeyFor(app, { scopes: [], teamNames: ["Sales"] });
    const before = await snapshot();
    const res = await app.gqlWithAuth(key, CREATE_KEY, CREATE([sales]));
    expect(codes(res)).toEqual(["FORBIDDEN"]);
    expect((await snapshot()).apiKeys).toEqual(before.apiKeys);
  });

  test.each([
    ["an empty name", { name: "   ", scopes: ["CONVERSATIONS_READ"], teamIds: ["SALES"] }],
    ["a name of 121 characters", { name: "x".repeat(121), scopes: ["CONVERSATIONS_READ"], teamIds: ["SALES"] }],
    ["no scopes", { name: "Ops", scopes: [], teamIds: ["SALES"] }],
    ["an unknown scope", { name: "Ops", scopes: ["EVERYTHING"], teamIds: ["SALES"] }],
    ["no teams", { name: "Ops", scopes: ["CONVERSATIONS_READ"], teamIds: [] }],
    ["a team of another organization", { name: "Ops", scopes: ["CONVERSATIONS_READ"], teamIds: ["SALES", "GLOBEX"] }],
    ["a malformed team id", { name: "Ops", scopes: ["CONVERSATIONS_READ"], teamIds: ["not-a-team"] }],
  ])("%s is BAD_USER_INPUT and writes nothing", async (_name, input) => {
    const teamIds = input.teamIds.map((t) => (t === "SALES" ? sales : t === "GLOBEX" ? app.seed.teams["globex/Support"] : t));
    const res = await expectNothingWritten(() => app.gql("admin@acme.test", CREATE_KEY, { input: { ...input, teamIds } }));
    expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
  });

  test("a name of exactly 120 characters is accepted (trimmed)", async () => {
    const created = await issueKey(`  ${"n".repeat(120)}  `, ["NOTES_WRITE", "NOTES_WRITE"], [sales, sales, support]);
    expect(created.apiKey).toMatchObject({ name: "n".repeat(120), scopes: ["NOTES_WRITE"], teamIds: [sales, support] });
  });

  test("revoking a key of another organization, or an unknown id, is NOT_FOUND and writes nothing", async () => {
    const globexKey = await createApiKeyFor(app, { organization: "globex", scopes: [], teamNames: ["Support"] });
    const globexKeyId = globexKey.slice("ApiKey ".length).split(".")[0];
    const res = await expectNothingWritten(() => app.gql("admin@acme.test", REVOKE_KEY, { id: globexKeyId }));
    expect(codes(res)).toEqual(["NOT_FOUND"]);
    expect((await app.gqlWithAuth(globexKey, `{ me { kind } }`)).status).toBe(200);
    expect(codes(await expectNothingWritten(() => app.gql("admin@acme.test", REVOKE_KEY, { id: "nope" })))).toEqual(["NOT_FOUND"]);
  });

  test("a deactivated admin's keys keep working (keys belong to the organization, not to a person)", async () => {
    await app.db.manager.update(User, { id: app.seed.users["maya@acme.test"] }, { role: "ADMIN" as User["role"] });
    const res = await app.gql("maya@acme.test", CREATE_KEY, CREATE([sales]));
    const authorization = res.body.data!.createApiKey.authorization as string;
    secrets.push(res.body.data!.createApiKey.secret);
    expect((await app.gql("admin@acme.test", `mutation($id: ID!) { deactivateUser(userId: $id) { active } }`, { id: app.seed.users["maya@acme.test"] })).body.data)
      .toEqual({ deactivateUser: { active: false } });
    expect((await app.gqlWithAuth(authorization, `{ me { kind } }`)).body.data).toEqual({ me: { kind: "API_KEY" } });
    expect(await app.db.manager.existsBy(TeamMember, { userId: app.seed.users["maya@acme.test"] })).toBe(true);
  });
});
