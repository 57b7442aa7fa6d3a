import { ApiScope, AuditOutcome, ConversationStatus } from "../src/entities/enums";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { createApiKey } from "./helpers/factories";
import { User } from "../src/entities/User";
import { auditOf, buildAgents, conversationRow, historyOf } from "./helpers/rows";
import { codes, startTestApp, TestApp } from "./helpers/testApp";

// Acme demo facts (src/seed/demoData.ts): odd n → Sales, even → Support. Sales: ali 1,7,21,27;
// carl 5,11; maya 13; unassigned 3,9,17,23,29,37. Support (TEAM visibility): bea 2,8,22,28; carl 6,12;
// unassigned 4,10,18,24,30,38.
let app: TestApp;
let rows: DemoConversation[];
const conv = (n: number): string => byNumber(rows, n).id;

const CLAIM = `mutation($id: ID!) { claimConversation(id: $id) { id version status assignee { name } } }`;
const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id version assignee { name } } }`;
const UNASSIGN = `mutation($id: ID!, $reason: String) { unassignConversation(id: $id, reason: $reason) { id version assignee { name } } }`;
const TRANSFER = `mutation($id: ID!, $teamId: ID!) { transferConversation(id: $id, teamId: $teamId) { id version team { name } assignee { name } } }`;
const STATUS = `mutation($id: ID!, $status: ConversationStatus!) { setConversationStatus(id: $id, status: $status) { id version status } }`;

beforeAll(async () => {
  app = await startTestApp();
  rows = await loadConversations(app, app.seed.organizations.acme);
});
afterAll(async () => { await app.close(); });

/** Asserts the last audit entry about a conversation. */
async function expectLastAudit(id: string, action: string, outcome: AuditOutcome, actorId: string | null) {
  const entries = await auditOf(app, id);
  const last = entries[entries.length - 1];
  expect({ action: last.action, outcome: last.outcome, actorId: last.actorId }).toEqual({ action, outcome, actorId });
  return entries;
}

describe("claimConversation", () => {
  test("an agent claims an unassigned conversation they see: assigned, version bumped, history and one audit entry", async () => {
    const id = conv(3);
    const res = await app.gql("ali@acme.test", CLAIM, { id });
    expect(res.body).toEqual({ data: { claimConversation: { id, version: 2, status: "OPEN", assignee: { name: "Ali Agent" } } } });
    expect((await historyOf(app, id)).map((h) => [h.action, h.toAssigneeId])).toEqual([["CLAIM", app.seed.users["ali@acme.test"]]]);
    const entries = await expectLastAudit(id, "conversation.claim", AuditOutcome.SUCCESS, app.seed.users["ali@acme.test"]);
    expect(entries).toHaveLength(1);
    expect(entries[0].actorRole).toBe("AGENT");
    expect(entries[0].teamId).toBe(app.seed.teams["acme/Sales"]);
    expect(JSON.parse(entries[0].before!)).toEqual({ assigneeId: null, teamId: app.seed.teams["acme/Sales"], status: "OPEN", version: 1 });
    expect(JSON.parse(entries[0].after!)).toMatchObject({ assigneeId: app.seed.users["ali@acme.test"], version: 2 });
  });

  test("claiming an assigned conversation is CONFLICT, recorded, and changes nothing", async () => {
    const id = conv(3); // claimed by ali above
    const res = await app.gql("carl@acme.test", CLAIM, { id });
    expect(codes(res)).toEqual(["CONFLICT"]);
    expect(res.body.data).toBeNull();
    expect((await conversationRow(app, id)).assigneeId).toBe(app.seed.users["ali@acme.test"]);
    await expectLastAudit(id, "conversation.claim", AuditOutcome.CONFLICT, app.seed.users["carl@acme.test"]);
  });

  test("an agent of another team gets NOT_FOUND (recorded as a denial)", async () => {
    const id = conv(9);
    const res = await app.gql("bea@acme.test", CLAIM, { id });
    expect(codes(res)).toEqual(["NOT_FOUND"]);
    expect((await conversationRow(app, id)).assigneeId).toBeNull();
    await expectLastAudit(id, "conversation.claim", AuditOutcome.DENIED, app.seed.users["bea@acme.test"]);
  });

  test("a manager and an admin may claim; an API key may not", async () => {
    expect((await app.gql("maya@acme.test", CLAIM, { id: conv(9) })).body.data?.claimConversation.assignee).toEqual({ name: "Maya Manager" });
    expect((await app.gql("admin@acme.test", CLAIM, { id: conv(4) })).body.data?.claimConversation.assignee).toEqual({ name: "Ada Admin" });
    const key = await createApiKey(app, { scopes: Object.values(ApiScope) });
    const res = await app.gqlWithAuth(key, CLAIM, { id: conv(17) });
    expect(codes(res)).toEqual(["FORBIDDEN"]);
    expect((await conversationRow(app, conv(17))).assigneeId).toBeNull();
    await expectLastAudit(conv(17), "conversation.claim", AuditOutcome.DENIED, key.slice(7, 43));
  });
});

describe("assignConversation", () => {
  test("the team's manager assigns to an active team member", async () => {
    const id = conv(17);
    const res = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["carl@acme.test"], reason: "VIP" } });
    expect(res.body).toEqual({ data: { assignConversation: { id, version: 2, assignee: { name: "Carl Agent" } } } });
    const history = await historyOf(app, id);
    expect(history.map((h) => [h.action, h.toAssigneeId, h.assignedById, h.reason])).toEqual([["ASSIGN", app.seed.users["carl@acme.test"], app.seed.users["maya@acme.test"], "VIP"]]);
    await expectLastAudit(id, "conversation.assign", AuditOutcome.SUCCESS, app.seed.users["maya@acme.test"]);
  });

  test("an agent may not assign (FORBIDDEN, recorded)", async () => {
    const id = conv(23);
    const res = await app.gql("ali@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["ali@acme.test"] } });
    expect(codes(res)).toEqual(["FORBIDDEN"]);
    expect((await conversationRow(app, id)).assigneeId).toBeNull();
    await expectLastAudit(id, "conversation.assign", AuditOutcome.DENIED, app.seed.users["ali@acme.test"]);
  });

  test("a manager of another team gets NOT_FOUND", async () => {
    const res = await app.gql("sam@acme.test", ASSIGN, { input: { conversationId: conv(23), assigneeId: app.seed.users["carl@acme.test"] } });
    expect(codes(res)).toEqual(["NOT_FOUND"]);
  });

  test("an assignee outside the team, or inactive, is BAD_USER_INPUT and writes nothing", async () => {
    const id = conv(23);
    const before = (await auditOf(app, id)).length;
    const outside = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["bea@acme.test"] } });
    expect(codes(outside)).toEqual(["BAD_USER_INPUT"]);
    const foreign = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["gina@globex.test"] } });
    expect(codes(foreign)).toEqual(["BAD_USER_INPUT"]);
    const [inactive] = await buildAgents(app, "acme/Sales", 1, "inactive");
    await app.db.manager.update(User, { id: app.seed.users[inactive] }, { active: false });
    const toInactive = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users[inactive] } });
    expect(codes(toInactive)).toEqual(["BAD_USER_INPUT"]);
    expect((await conversationRow(app, id)).version).toBe(1);
    expect(await auditOf(app, id)).toHaveLength(before);
  });

  test("expectedVersion must match, else CONFLICT", async () => {
    const id = conv(23);
    const stale = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["ali@acme.test"], expectedVersion: 7 } });
    expect(codes(stale)).toEqual(["CONFLICT"]);
    await expectLastAudit(id, "conversation.assign", AuditOutcome.CONFLICT, app.seed.users["maya@acme.test"]);
    const fresh = await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["ali@acme.test"], expectedVersion: 1 } });
    expect(fresh.body.data?.assignConversation).toEqual({ id, version: 2, assignee: { name: "Ali Agent" } });
  });

  test("an idempotency key replays the first result without a second write; other input with it is CONFLICT", async () => {
    const id = conv(29);
    const input = { conversationId: id, assigneeId: app.seed.users["ali@acme.test"], idempotencyKey: "retry-29" };
    const first = await app.gql("maya@acme.test", ASSIGN, { input });
    const second = await app.gql("maya@acme.test", ASSIGN, { input });
    expect(first.body).toEqual({ data: { assignConversation: { id, version: 2, assignee: { name: "Ali Agent" } } } });
    expect(second.body).toEqual(first.body);
    expect((await conversationRow(app, id)).version).toBe(2);
    expect(await historyOf(app, id)).toHaveLength(1);
    expect((await auditOf(app, id)).filter((e) => e.outcome === AuditOutcome.SUCCESS)).toHaveLength(1);
    const other = await app.gql("maya@acme.test", ASSIGN, { input: { ...input, assigneeId: app.seed.users["carl@acme.test"] } });
    expect(codes(other)).toEqual(["CONFLICT"]);
    expect((await conversationRow(app, id)).assigneeId).toBe(app.seed.users["ali@acme.test"]);
    // Keys are per principal: the admin's "retry-29" is a different key.
    const admin = await app.gql("admin@acme.test", ASSIGN, { input: { ...input, assigneeId: app.seed.users["carl@acme.test"] } });
    expect(admin.body.data?.assignConversation.assignee).toEqual({ name: "Carl Agent" });
  });
});

describe("unassignConversation", () => {
  test("the assignee returns it to the queue", async () => {
    const id = conv(1);
    const res = await app.gql("ali@acme.test", UNASSIGN, { id, reason: "going home" });
    expect(res.body.data?.unassignConversation).toEqual({ id, version: 2, assignee: null });
    const last = (await historyOf(app, id)).pop()!;
    expect([last.action, last.fromAssigneeId, last.toAssigneeId, last.reason]).toEqual(["UNASSIGN", app.seed.users["ali@acme.test"], null, "going home"]);
    await expectLastAudit(id, "conversation.unassign", AuditOutcome.SUCCESS, app.seed.users["ali@acme.test"]);
  });

  test("another agent who sees it may not (FORBIDDEN); the manager may", async () => {
    const id = conv(2); // bea's, in Support where every agent sees everything
    expect(codes(await app.gql("carl@acme.test", UNASSIGN, { id }))).toEqual(["FORBIDDEN"]);
    expect((await conversationRow(app, id)).assigneeId).toBe(app.seed.users["bea@acme.test"]);
    expect((await app.gql("sam@acme.test", UNASSIGN, { id })).body.data?.unassignConversation.assignee).toBeNull();
  });

  test("an unassigned conversation cannot be unassigned (CONFLICT)", async () => {
    expect(codes(await app.gql("maya@acme.test", UNASSIGN, { id: conv(37) }))).toEqual(["CONFLICT"]);
  });
});

describe("transferConversation", () => {
  test("the source team's manager moves it to another team, unassigned", async () => {
    const id = conv(7); // ali's, Sales
    const res = await app.gql("maya@acme.test", TRANSFER, { id, teamId: app.seed.teams["acme/Support"] });
    expect(res.body.data?.transferConversation).toEqual({ id, version: 2, team: { name: "Support" }, assignee: null });
    const last = (await historyOf(app, id)).pop()!;
    expect([last.action, last.fromTeamId, last.toTeamId, last.toAssigneeId]).toEqual(["TRANSFER", app.seed.teams["acme/Sales"], app.seed.teams["acme/Support"], null]);
    // maya no longer sees it; sam now does.
    expect(codes(await app.gql("maya@acme.test", `query($id: ID!) { conversation(id: $id) { id } }`, { id }))).toEqual(["NOT_FOUND"]);
    expect((await app.gql("sam@acme.test", `query($id: ID!) { conversation(id: $id) { id } }`, { id })).body.data?.conversation).toEqual({ id });
  });

  test("agents may not transfer; a foreign team is BAD_USER_INPUT", async () => {
    expect(codes(await app.gql("ali@acme.test", TRANSFER, { id: conv(21), teamId: app.seed.teams["acme/Support"] }))).toEqual(["FORBIDDEN"]);
    expect(codes(await app.gql("maya@acme.test", TRANSFER, { id: conv(21), teamId: app.seed.teams["globex/Support"] }))).toEqual(["BAD_USER_INPUT"]);
    expect((await conversationRow(app, conv(21))).teamId).toBe(app.seed.teams["acme/Sales"]);
  });

  test("an API key needs assignments:write on both teams", async () => {
    const salesOnly = await createApiKey(app, { scopes: [ApiScope.ASSIGNMENTS_WRITE, ApiScope.CONVERSATIONS_READ] });
    expect(codes(await app.gqlWithAuth(salesOnly, TRANSFER, { id: conv(21), teamId: app.seed.teams["acme/Support"] }))).toEqual(["FORBIDDEN"]);
    const both = await createApiKey(app, { scopes: [ApiScope.ASSIGNMENTS_WRITE], teamIds: [app.seed.teams["acme/Sales"], app.seed.teams["acme/Support"]] });
    const res = await app.gqlWithAuth(both, TRANSFER, { id: conv(21), teamId: app.seed.teams["acme/Support"] });
    expect(res.body.data?.transferConversation.team).toEqual({ name: "Support" });
    const entry = (await auditOf(app, conv(21))).pop()!;
    expect([entry.actorType, entry.outcome]).toEqual(["API_KEY", "SUCCESS"]);
  });
});

describe("setConversationStatus", () => {
  test("the assignee resolves their conversation", async () => {
    const id = conv(27);
    const res = await app.gql("ali@acme.test", STATUS, { id, status: ConversationStatus.RESOLVED });
    expect(res.body.data?.setConversationStatus).toEqual({ id, version: 2, status: "RESOLVED" });
    expect((await conversationRow(app, id)).waitingSince).toBeNull();
    await expectLastAudit(id, "conversation.setStatus", AuditOutcome.SUCCESS, app.seed.users["ali@acme.test"]);
  });

  test("another agent of a TEAM-visibility team may not; the manager may; the same status is CONFLICT", async () => {
    const id = conv(8); // bea's, Support
    expect(codes(await app.gql("carl@acme.test", STATUS, { id, status: "PENDING" }))).toEqual(["FORBIDDEN"]);
    expect((await conversationRow(app, id)).status).toBe("OPEN");
    expect((await app.gql("sam@acme.test", STATUS, { id, status: "PENDING" })).body.data?.setConversationStatus.status).toBe("PENDING");
    expect(codes(await app.gql("sam@acme.test", STATUS, { id, status: "PENDING" }))).toEqual(["CONFLICT"]);
  });
});
