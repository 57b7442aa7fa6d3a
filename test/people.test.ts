import { In, IsNull, MoreThan, Not } from "typeorm";
import type { UserPrincipal } from "../src/auth/principal";
import { deactivateUser } from "../src/commands/deactivateUser";
import { setUserRole } from "../src/commands/setUserRole";
import { buildContext, Context } from "../src/context";
import { ApiKey } from "../src/entities/ApiKey";
import { Assignment } from "../src/entities/Assignment";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { ApiScope, AuditOutcome, ConversationStatus, Role } from "../src/entities/enums";
import { Team } from "../src/entities/Team";
import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { QueueEvent, teamTopic } from "../src/subscriptions/events";
import { createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, startTestApp, TestApp } from "./helpers/testApp";

// Demo facts (src/seed/demoData.ts): Acme has one ADMIN (admin), managers maya (Sales) and sam
// (Support), agents ali (Sales), bea (Support), carl (Sales and Support). Sales agents see
// ASSIGNED_AND_UNASSIGNED, Support agents see the whole TEAM. Globex: admin and gina (Support).

const SET_ROLE = `mutation($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id role active } }`;
const DEACTIVATE = `mutation($userId: ID!) { deactivateUser(userId: $userId) { id active } }`;
const ADD_MEMBER = `mutation($teamId: ID!, $userId: ID!) { addTeamMember(teamId: $teamId, userId: $userId) { id members { id } } }`;
const REMOVE_MEMBER = `mutation($teamId: ID!, $userId: ID!) { removeTeamMember(teamId: $teamId, userId: $userId) { id members { id } } }`;
const UPDATE_SETTINGS = `mutation($teamId: ID!, $input: TeamSettingsInput!) {
  updateTeamSettings(teamId: $teamId, input: $input) { id agentVisibility unassignedAlertMinutes idleAlertMinutes } }`;
const ME = `{ me { kind user { id role } } }`;
const HISTORY = `query($id: ID!) { conversation(id: $id) { id assignmentHistory { id } } }`;
const CONVERSATION = `query($id: ID!) { conversation(id: $id) { id } }`;
const COUNT = `query($filter: ConversationFilter) { conversations(filter: $filter, first: 100) { totalCount nodes { id } } }`;

const ids = (app: TestApp) => ({
  acme: app.seed.organizations.acme,
  admin: app.seed.users["admin@acme.test"],
  maya: app.seed.users["maya@acme.test"],
  sam: app.seed.users["sam@acme.test"],
  ali: app.seed.users["ali@acme.test"],
  bea: app.seed.users["bea@acme.test"],
  carl: app.seed.users["carl@acme.test"],
  sales: app.seed.teams["acme/Sales"],
  support: app.seed.teams["acme/Support"],
  gina: app.seed.users["gina@globex.test"],
  globexSupport: app.seed.teams["globex/Support"],
});

/** Every row a people or key mutation could change, read straight from the database. */
async function snapshot(app: TestApp) {
  const m = app.db.manager;
  return {
    users: await m.find(User, { order: { id: "ASC" } }),
    teams: await m.find(Team, { order: { id: "ASC" } }),
    members: await m.find(TeamMember, { order: { teamId: "ASC", userId: "ASC" } }),
    apiKeys: await m.find(ApiKey, { order: { id: "ASC" } }),
    conversations: await m.find(Conversation, { order: { id: "ASC" } }),
    assignments: await m.count(Assignment),
    auditEntries: await m.count(AuditEntry),
  };
}

/** The highest audit sequence number of Acme so far (0 before the first entry). */
async function lastSeq(app: TestApp): Promise<number> {
  const last = await app.db.manager.findOne(AuditEntry, { where: { organizationId: app.seed.organizations.acme }, order: { seq: "DESC" } });
  return last?.seq ?? 0;
}

/** Acme's audit entries written after `seq`, oldest first. */
const entriesAfter = (app: TestApp, seq: number): Promise<AuditEntry[]> =>
  app.db.manager.find(AuditEntry, { where: { organizationId: app.seed.organizations.acme, seq: MoreThan(seq) }, order: { seq: "ASC" } });

/** The shape of an audit entry that tests compare. */
const summary = (e: AuditEntry) => ({
  action: e.action, outcome: e.outcome, actorId: e.actorId, actorRole: e.actorRole, targetType: e.targetType, targetId: e.targetId, teamId: e.teamId,
});

/** Runs an operation and asserts it wrote nothing at all (no row, no audit entry). */
async function expectNothingWritten(app: TestApp, run: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> {
  const before = await snapshot(app);
  const res = await run();
  expect(await snapshot(app)).toEqual(before);
  return res;
}

/** A principal loaded just before a concurrent change: what a request racing that change holds. */
function staleAdminContext(app: TestApp, userId: string): Context {
  const principal: UserPrincipal = { kind: "USER", id: userId, organizationId: app.seed.organizations.acme, role: Role.ADMIN, teams: [] };
  return buildContext(app.gateway.services, principal, { ip: null, userAgent: null });
}

/** Collects the queue events published on some teams' channels until stopped. */
function listen(app: TestApp, teamIds: string[]): { events: QueueEvent[]; stop: () => void } {
  const events: QueueEvent[] = [];
  const streams = teamIds.map((t) => app.gateway.services.events.subscribe(teamTopic(t)));
  for (const stream of streams) void (async () => { for await (const e of stream) events.push(e); })();
  return { events, stop: () => { for (const s of streams) void s.return?.(); } };
}

const unresolvedOf = (app: TestApp, assigneeId: string, teamId?: string): Promise<Conversation[]> =>
  app.db.manager.find(Conversation, {
    where: { organizationId: app.seed.organizations.acme, assigneeId, status: Not(ConversationStatus.RESOLVED), ...(teamId ? { teamId } : {}) },
    order: { id: "ASC" },
  });

describe("who may call the people mutations", () => {
  let app: TestApp;
  let id: ReturnType<typeof ids>;
  beforeAll(async () => {
    app = await startTestApp();
    id = ids(app);
  });
  afterAll(async () => { await app.close(); });

  const calls = [
    { mutation: "setUserRole", action: "user.setRole", targetType: "User", query: SET_ROLE,
      vars: (i: typeof id) => ({ userId: i.ali, role: "MANAGER" }), target: (i: typeof id) => i.ali },
    { mutation: "deactivateUser", action: "user.deactivate", targetType: "User", query: DEACTIVATE,
      vars: (i: typeof id) => ({ userId: i.carl }), target: (i: typeof id) => i.carl },
    { mutation: "addTeamMember", action: "team.addMember", targetType: "Team", query: ADD_MEMBER,
      vars: (i: typeof id) => ({ teamId: i.support, userId: i.ali }), target: (i: typeof id) => i.support },
    { mutation: "removeTeamMember", action: "team.removeMember", targetType: "Team", query: REMOVE_MEMBER,
      vars: (i: typeof id) => ({ teamId: i.sales, userId: i.ali }), target: (i: typeof id) => i.sales },
    { mutation: "updateTeamSettings", action: "team.updateSettings", targetType: "Team", query: UPDATE_SETTINGS,
      vars: (i: typeof id) => ({ teamId: i.sales, input: { agentVisibility: "TEAM" } }), target: (i: typeof id) => i.sales },
  ];

  describe.each(calls)("$mutation", (call) => {
    it.each([
      ["MANAGER", "maya@acme.test"],
      ["AGENT", "ali@acme.test"],
      ["AGENT", "carl@acme.test"],
    ])("as %s (%s): FORBIDDEN, one DENIED entry, nothing else written", async (role, email) => {
      const seq = await lastSeq(app);
      const before = await snapshot(app);
      const res = await app.gql(email, call.query, call.vars(id));
      expect(codes(res)).toEqual(["FORBIDDEN"]);
      expect(res.body.data).toBeNull();
      const after = await snapshot(app);
      expect({ ...after, auditEntries: after.auditEntries - 1 }).toEqual(before);
      expect((await entriesAfter(app, seq)).map(summary)).toEqual([{
        action: call.action, outcome: AuditOutcome.DENIED, actorId: app.seed.users[email], actorRole: role,
        targetType: call.targetType, targetId: call.target(id), teamId: null,
      }]);
    });

    it("as an API key with every scope: FORBIDDEN, one DENIED entry, nothing else written", async () => {
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales", "Support"] });
      const seq = await lastSeq(app);
      const before = await snapshot(app);
      const res = await app.gqlWithAuth(key, call.query, call.vars(id));
      expect(codes(res)).toEqual(["FORBIDDEN"]);
      const after = await snapshot(app);
      expect({ ...after, auditEntries: after.auditEntries - 1 }).toEqual(before);
      expect((await entriesAfter(app, seq)).map((e) => [e.action, e.outcome, e.actorType])).toEqual([[call.action, "DENIED", "API_KEY"]]);
    });
  });

  it("as ADMIN each one succeeds with exactly one SUCCESS entry of its action", async () => {
    for (const call of calls) {
      const seq = await lastSeq(app);
      const res = await app.gql("admin@acme.test", call.query, call.vars(id));
      expect({ mutation: call.mutation, errors: res.body.errors }).toEqual({ mutation: call.mutation, errors: undefined });
      const entries = (await entriesAfter(app, seq)).filter((e) => e.action === call.action);
      expect(entries.map(summary)).toEqual([{
        action: call.action, outcome: AuditOutcome.SUCCESS, actorId: id.admin, actorRole: Role.ADMIN, targetType: call.targetType,
        targetId: call.target(id), teamId: call.targetType === "Team" ? call.target(id) : null,
      }]);
    }
  });
});

describe("setUserRole", () => {
  let app: TestApp;
  let id: ReturnType<typeof ids>;
  beforeAll(async () => {
    app = await startTestApp();
    id = ids(app);
  });
  afterAll(async () => { await app.close(); });

  it("changes the role; the audit entry has the role before and after; it applies on the very next request", async () => {
    // One assigned to maya: still visible to her as an AGENT, so only the field rule can differ.
    const salesConversation = (await app.db.manager.findOneByOrFail(Conversation, { teamId: id.sales, assigneeId: id.maya })).id;
    const asManager = await app.gql("maya@acme.test", HISTORY, { id: salesConversation });
    expect(asManager.body.errors).toBeUndefined();
    expect(asManager.body.data!.conversation.assignmentHistory).toEqual(expect.any(Array));

    const seq = await lastSeq(app);
    const res = await app.gql("admin@acme.test", SET_ROLE, { userId: id.maya, role: "AGENT" });
    expect(res.body).toEqual({ data: { setUserRole: { id: id.maya, role: "AGENT", active: true } } });
    expect((await app.db.manager.findOneByOrFail(User, { id: id.maya })).role).toBe(Role.AGENT);
    const [entry, ...more] = await entriesAfter(app, seq);
    expect(more).toEqual([]);
    expect(summary(entry)).toEqual({
      action: "user.setRole", outcome: "SUCCESS", actorId: id.admin, actorRole: "ADMIN", targetType: "User", targetId: id.maya, teamId: null,
    });
    expect([JSON.parse(entry.before!), JSON.parse(entry.after!)]).toEqual([{ role: "MANAGER" }, { role: "AGENT" }]);

    // The same token, the very next request: the role comes from the database, not the token.
    const asAgent = await app.gql("maya@acme.test", HISTORY, { id: salesConversation });
    expect(codes(asAgent)).toEqual(["FORBIDDEN"]);
    expect(asAgent.body.errors![0].path).toEqual(["conversation", "assignmentHistory"]);
    expect(asAgent.body.data!.conversation).toEqual({ id: salesConversation, assignmentHistory: null });
    expect((await app.gql("maya@acme.test", ME)).body.data!.me.user.role).toBe("AGENT");
  });

  it("an ADMIN may not change their own role: FORBIDDEN, recorded, unchanged", async () => {
    const seq = await lastSeq(app);
    const res = await app.gql("admin@acme.test", SET_ROLE, { userId: id.admin, role: "MANAGER" });
    expect(codes(res)).toEqual(["FORBIDDEN"]);
    expect((await app.db.manager.findOneByOrFail(User, { id: id.admin })).role).toBe(Role.ADMIN);
    expect((await entriesAfter(app, seq)).map(summary)).toEqual([{
      action: "user.setRole", outcome: "DENIED", actorId: id.admin, actorRole: "ADMIN", targetType: "User", targetId: id.admin, teamId: null,
    }]);
  });

  it("setting the role a user already has is CONFLICT, recorded, and changes nothing", async () => {
    const seq = await lastSeq(app);
    const before = await snapshot(app);
    const res = await app.gql("admin@acme.test", SET_ROLE, { userId: id.ali, role: "AGENT" });
    expect(codes(res)).toEqual(["CONFLICT"]);
    expect({ ...(await snapshot(app)), auditEntries: before.auditEntries }).toEqual(before);
    expect((await entriesAfter(app, seq)).map((e) => [e.action, e.outcome, e.targetId])).toEqual([["user.setRole", "CONFLICT", id.ali]]);
  });

  it("ids of another organization, malformed ids and unknown roles write nothing", async () => {
    const foreign = await expectNothingWritten(app, () => app.gql("admin@acme.test", SET_ROLE, { userId: id.gina, role: "MANAGER" }));
    expect(codes(foreign)).toEqual(["NOT_FOUND"]);
    expect(JSON.stringify(foreign.body)).not.toContain(id.gina);
    const malformed = await expectNothingWritten(app, () => app.gql("admin@acme.test", SET_ROLE, { userId: "nope", role: "MANAGER" }));
    expect(codes(malformed)).toEqual(["NOT_FOUND"]);
    const badRole = await expectNothingWritten(app, () => app.gql("admin@acme.test", SET_ROLE, { userId: id.ali, role: "OWNER" }));
    expect(codes(badRole)).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await app.gql("admin@globex.test", SET_ROLE, { userId: id.ali, role: "MANAGER" }))).toEqual(["NOT_FOUND"]);
    expect((await app.db.manager.findOneByOrFail(User, { id: id.ali })).role).toBe(Role.AGENT);
  });

  it("never leaves the organization without an active ADMIN", async () => {
    // Acme has exactly one ADMIN. Promote maya; then she may demote the original admin.
    expect((await app.gql("admin@acme.test", SET_ROLE, { userId: id.maya, role: "ADMIN" })).body.data).toEqual(
      { setUserRole: { id: id.maya, role: "ADMIN", active: true } });
    expect((await app.gql("maya@acme.test", SET_ROLE, { userId: id.admin, role: "MANAGER" })).body.data).toEqual(
      { setUserRole: { id: id.admin, role: "MANAGER", active: true } });

    // maya is now the last active ADMIN: nobody can demote her through the API.
    expect(codes(await app.gql("maya@acme.test", SET_ROLE, { userId: id.maya, role: "MANAGER" }))).toEqual(["FORBIDDEN"]);
    expect(codes(await app.gql("admin@acme.test", SET_ROLE, { userId: id.maya, role: "MANAGER" }))).toEqual(["FORBIDDEN"]);
    expect(codes(await app.gql("maya@acme.test", DEACTIVATE, { userId: id.maya }))).toEqual(["FORBIDDEN"]);

    // A request that still holds the old admin's principal (loaded just before the demotion, as a
    // concurrent request would) is judged under the lock on the current admins: CONFLICT.
    const seq = await lastSeq(app);
    const stale = staleAdminContext(app, id.admin);
    await expect(setUserRole(stale, id.maya, Role.MANAGER)).rejects.toMatchObject({ extensions: { code: "CONFLICT" } });
    await expect(deactivateUser(stale, id.maya)).rejects.toMatchObject({ extensions: { code: "CONFLICT" } });
    // …and may not act as an ADMIN on anyone else either.
    await expect(setUserRole(stale, id.ali, Role.MANAGER)).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect((await entriesAfter(app, seq)).map((e) => [e.action, e.outcome, e.targetId])).toEqual([
      ["user.setRole", "CONFLICT", id.maya], ["user.deactivate", "CONFLICT", id.maya], ["user.setRole", "DENIED", id.ali],
    ]);
    const admins = await app.db.manager.findBy(User, { organizationId: id.acme, role: Role.ADMIN, active: true });
    expect(admins.map((u) => u.id)).toEqual([id.maya]);
    expect((await app.db.manager.findOneByOrFail(User, { id: id.ali })).role).toBe(Role.AGENT);
  });

  it("two admins demoting each other at once: exactly one wins and an active ADMIN remains", async () => {
    for (let round = 0; round < 5; round++) {
      // Start each round with exactly two active admins: maya and admin.
      await app.db.manager.update(User, { id: id.admin }, { role: Role.ADMIN });
      const seq = await lastSeq(app);
      const [a, b] = await Promise.all([
        app.gql("maya@acme.test", SET_ROLE, { userId: id.admin, role: "MANAGER" }),
        app.gql("admin@acme.test", SET_ROLE, { userId: id.maya, role: "MANAGER" }),
      ]);
      const won = [a, b].filter((r) => r.body.errors === undefined);
      const lost = [a, b].filter((r) => r.body.errors !== undefined);
      expect({ round, won: won.length }).toEqual({ round, won: 1 });
      // On MySQL both requests hold an ADMIN principal and the loser is judged under the lock on the
      // admin rows (CONFLICT); on SQLite the second request usually loads its principal after the
      // first committed, and the shield refuses a user who is no longer an ADMIN (FORBIDDEN).
      expect(["CONFLICT", "FORBIDDEN"]).toContain(codes(lost[0])[0]);
      const admins = await app.db.manager.findBy(User, { organizationId: id.acme, role: Role.ADMIN, active: true });
      expect(admins).toHaveLength(1);
      const entries = (await entriesAfter(app, seq)).map((e) => e.outcome).sort();
      expect(entries).toEqual(["SUCCESS", codes(lost[0])[0] === "CONFLICT" ? "CONFLICT" : "DENIED"].sort());
      // Put maya back as the surviving ADMIN for the next round.
      await app.db.manager.update(User, { id: id.maya }, { role: Role.ADMIN });
      await app.db.manager.update(User, { id: id.admin }, { role: Role.MANAGER });
    }
  });
});

describe("deactivateUser", () => {
  let app: TestApp;
  let id: ReturnType<typeof ids>;
  beforeAll(async () => {
    app = await startTestApp();
    id = ids(app);
  });
  afterAll(async () => { await app.close(); });

  it("returns the user's unresolved conversations to their queues, each with one history row and one audit entry", async () => {
    const open = await unresolvedOf(app, id.carl);
    const resolved = await app.db.manager.findBy(Conversation, { assigneeId: id.carl, status: ConversationStatus.RESOLVED });
    expect(new Set(open.map((c) => c.teamId))).toEqual(new Set([id.sales, id.support]));
    expect(open.some((c) => c.status === ConversationStatus.OPEN)).toBe(true);
    expect(resolved.length).toBeGreaterThan(0);
    const historyBefore = await app.db.manager.count(Assignment);
    const seq = await lastSeq(app);
    const carlToken = `Bearer ${await app.token("carl@acme.test")}`;
    expect((await app.gqlWithAuth(carlToken, ME)).status).toBe(200);
    const events = listen(app, [id.sales, id.support]);

    const res = await app.gql("admin@acme.test", DEACTIVATE, { userId: id.carl });
    expect(res.body).toEqual({ data: { deactivateUser: { id: id.carl, active: false } } });
    events.stop();
    expect((await app.db.manager.findOneByOrFail(User, { id: id.carl })).active).toBe(false);

    // Every unresolved one is back in its queue, one version later; resolved ones keep their history.
    const now = await app.db.manager.findBy(Conversation, { id: In(open.map((c) => c.id)) });
    for (const c of open) {
      const after = now.find((x) => x.id === c.id)!;
      expect({ id: c.id, assigneeId: after.assigneeId, teamId: after.teamId, version: after.version, waiting: after.waitingSince !== null })
        .toEqual({ id: c.id, assigneeId: null, teamId: c.teamId, version: c.version + 1, waiting: true });
    }
    expect((await app.db.manager.findBy(Conversation, { id: In(resolved.map((c) => c.id)) })).map((c) => c.assigneeId))
      .toEqual(resolved.map(() => id.carl));

    expect((await app.db.manager.count(Assignment)) - historyBefore).toBe(open.length);
    for (const c of open) {
      const rows = (await app.db.manager.findBy(Assignment, { conversationId: c.id, action: "UNASSIGN" }));
      expect(rows.map((r) => ({ from: r.fromAssigneeId, to: r.toAssigneeId, by: r.assignedById, reason: r.reason })))
        .toEqual([{ from: id.carl, to: null, by: id.admin, reason: "assignee deactivated" }]);
    }

    const entries = await entriesAfter(app, seq);
    expect(entries).toHaveLength(open.length + 1);
    const unassigns = entries.filter((e) => e.action === "conversation.unassign");
    expect(unassigns.map(summary).sort((x, y) => x.targetId!.localeCompare(y.targetId!))).toEqual(open.map((c) => ({
      action: "conversation.unassign", outcome: "SUCCESS", actorId: id.admin, actorRole: "ADMIN", targetType: "Conversation", targetId: c.id, teamId: c.teamId,
    })));
    for (const e of unassigns) {
      expect(JSON.parse(e.before!)).toMatchObject({ assigneeId: id.carl });
      expect(JSON.parse(e.after!)).toMatchObject({ assigneeId: null, reason: "assignee deactivated" });
    }
    const own = entries.filter((e) => e.action === "user.deactivate");
    expect(own.map(summary)).toEqual([{
      action: "user.deactivate", outcome: "SUCCESS", actorId: id.admin, actorRole: "ADMIN", targetType: "User", targetId: id.carl, teamId: null,
    }]);
    expect(JSON.parse(own[0].before!)).toEqual({ active: true });
    const after = JSON.parse(own[0].after!) as { active: boolean; returnedToQueue: string[] };
    expect({ ...after, returnedToQueue: [...after.returnedToQueue].sort() }).toEqual({ active: false, returnedToQueue: open.map((c) => c.id).sort() });

    // One UNASSIGNED event per conversation, on its team's channel, published after commit.
    expect(events.events.map((e) => [e.type, e.conversationId, e.teamId, e.previousAssigneeId, e.assigneeId]).sort())
      .toEqual(open.map((c) => ["UNASSIGNED", c.id, c.teamId, id.carl, null]).sort());

    // carl's very next request, with a token that has not expired, is UNAUTHENTICATED.
    const next = await app.gqlWithAuth(carlToken, ME);
    expect(next.status).toBe(401);
    expect(codes(next)).toEqual(["UNAUTHENTICATED"]);
  });

  it("deactivating someone already deactivated is CONFLICT; deactivating yourself is FORBIDDEN", async () => {
    const seq = await lastSeq(app);
    expect(codes(await app.gql("admin@acme.test", DEACTIVATE, { userId: id.carl }))).toEqual(["CONFLICT"]);
    expect(codes(await app.gql("admin@acme.test", DEACTIVATE, { userId: id.admin }))).toEqual(["FORBIDDEN"]);
    expect((await app.db.manager.findOneByOrFail(User, { id: id.admin })).active).toBe(true);
    expect((await entriesAfter(app, seq)).map((e) => [e.action, e.outcome, e.targetId])).toEqual([
      ["user.deactivate", "CONFLICT", id.carl], ["user.deactivate", "DENIED", id.admin],
    ]);
  });

  it("a user of another organization is NOT_FOUND and nothing is written", async () => {
    const res = await expectNothingWritten(app, () => app.gql("admin@acme.test", DEACTIVATE, { userId: id.gina }));
    expect(codes(res)).toEqual(["NOT_FOUND"]);
    const malformed = await expectNothingWritten(app, () => app.gql("admin@acme.test", DEACTIVATE, { userId: "x" }));
    expect(codes(malformed)).toEqual(["NOT_FOUND"]);
    expect((await app.db.manager.findOneByOrFail(User, { id: id.gina })).active).toBe(true);
  });

  it("a deactivated user can no longer be assigned or added to a team", async () => {
    const unassigned = await app.db.manager.findOneByOrFail(Conversation, { teamId: id.sales, assigneeId: IsNull(), status: ConversationStatus.OPEN });
    const assign = await app.gql("admin@acme.test", `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id } }`,
      { input: { conversationId: unassigned.id, assigneeId: id.carl } });
    expect(codes(assign)).toEqual(["BAD_USER_INPUT"]);
    await app.db.manager.delete(TeamMember, { teamId: id.support, userId: id.carl });
    const add = await expectNothingWritten(app, () => app.gql("admin@acme.test", ADD_MEMBER, { teamId: id.support, userId: id.carl }));
    expect(codes(add)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("addTeamMember and removeTeamMember", () => {
  let app: TestApp;
  let id: ReturnType<typeof ids>;
  beforeAll(async () => {
    app = await startTestApp();
    id = ids(app);
  });
  afterAll(async () => { await app.close(); });

  it("adding a member: they reach the team's conversations on their next request; audited against the team", async () => {
    const supportConversation = (await app.db.manager.findOneByOrFail(Conversation, { teamId: id.support, assigneeId: id.bea })).id;
    expect(codes(await app.gql("ali@acme.test", CONVERSATION, { id: supportConversation }))).toEqual(["NOT_FOUND"]);
    const seq = await lastSeq(app);
    const res = await app.gql("admin@acme.test", ADD_MEMBER, { teamId: id.support, userId: id.ali });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.addTeamMember.members.map((m: { id: string }) => m.id)).toContain(id.ali);
    expect(await app.db.manager.existsBy(TeamMember, { teamId: id.support, userId: id.ali })).toBe(true);
    const [entry, ...more] = await entriesAfter(app, seq);
    expect(more).toEqual([]);
    expect(summary(entry)).toEqual({
      action: "team.addMember", outcome: "SUCCESS", actorId: id.admin, actorRole: "ADMIN", targetType: "Team", targetId: id.support, teamId: id.support,
    });
    expect([JSON.parse(entry.before!), JSON.parse(entry.after!)]).toEqual([{ userId: id.ali, member: false }, { userId: id.ali, member: true }]);
    // Support shows agents the whole team.
    expect((await app.gql("ali@acme.test", CONVERSATION, { id: supportConversation })).body.data).toEqual({ conversation: { id: supportConversation } });
  });

  it("adding an existing member is CONFLICT, recorded against the team, and writes nothing else", async () => {
    const seq = await lastSeq(app);
    const before = await snapshot(app);
    const res = await app.gql("admin@acme.test", ADD_MEMBER, { teamId: id.sales, userId: id.carl });
    expect(codes(res)).toEqual(["CONFLICT"]);
    expect({ ...(await snapshot(app)), auditEntries: before.auditEntries }).toEqual(before);
    expect((await entriesAfter(app, seq)).map((e) => [e.action, e.outcome, e.teamId])).toEqual([["team.addMember", "CONFLICT", id.sales]]);
  });

  it("removing a member: their unresolved conversations of that team go back to its queue, each audited; they stop seeing the team at once", async () => {
    const inSupport = await unresolvedOf(app, id.carl, id.support);
    const inSales = await unresolvedOf(app, id.carl, id.sales);
    expect(inSupport.length).toBeGreaterThan(0);
    expect(inSales.length).toBeGreaterThan(0);
    const anySupport = (await app.db.manager.findOneByOrFail(Conversation, { teamId: id.support, assigneeId: id.bea })).id;
    const carl = `Bearer ${await app.token("carl@acme.test")}`;
    expect((await app.gqlWithAuth(carl, CONVERSATION, { id: anySupport })).body.data).toEqual({ conversation: { id: anySupport } });
    const seq = await lastSeq(app);
    const events = listen(app, [id.support, id.sales]);

    const res = await app.gql("admin@acme.test", REMOVE_MEMBER, { teamId: id.support, userId: id.carl });
    events.stop();
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.removeTeamMember.members.map((m: { id: string }) => m.id)).not.toContain(id.carl);
    expect(await app.db.manager.existsBy(TeamMember, { teamId: id.support, userId: id.carl })).toBe(false);

    expect(await unresolvedOf(app, id.carl, id.support)).toEqual([]);
    expect((await unresolvedOf(app, id.carl, id.sales)).map((c) => c.id)).toEqual(inSales.map((c) => c.id));
    for (const c of inSupport) {
      const rows = await app.db.manager.findBy(Assignment, { conversationId: c.id, action: "UNASSIGN" });
      expect(rows.map((r) => [r.fromAssigneeId, r.toAssigneeId, r.reason])).toEqual([[id.carl, null, "assignee removed from team"]]);
    }
    const entries = await entriesAfter(app, seq);
    expect(entries.map((e) => [e.action, e.targetId, e.teamId]).sort()).toEqual([
      ...inSupport.map((c) => ["conversation.unassign", c.id, id.support]),
      ["team.removeMember", id.support, id.support],
    ].sort());
    expect(events.events.map((e) => [e.type, e.conversationId]).sort()).toEqual(inSupport.map((c) => ["UNASSIGNED", c.id]).sort());

    // The same token, the very next request: the team is out of reach.
    expect(codes(await app.gqlWithAuth(carl, CONVERSATION, { id: anySupport }))).toEqual(["NOT_FOUND"]);
    const listed = await app.gqlWithAuth(carl, COUNT, { filter: { teamId: id.support } });
    expect(listed.body.data!.conversations.totalCount).toBe(0);
    const all = await app.gqlWithAuth(carl, COUNT, {});
    const teams = await app.db.manager.findBy(Conversation, { id: In(all.body.data!.conversations.nodes.map((n: { id: string }) => n.id)) });
    expect(new Set(teams.map((c) => c.teamId))).toEqual(new Set([id.sales]));
  });

  it("removing someone who is not a member is NOT_FOUND and writes nothing", async () => {
    const res = await expectNothingWritten(app, () => app.gql("admin@acme.test", REMOVE_MEMBER, { teamId: id.support, userId: id.carl }));
    expect(codes(res)).toEqual(["NOT_FOUND"]);
  });

  it("teams and users of another organization are NOT_FOUND and nothing is written", async () => {
    for (const [query, vars] of [
      [ADD_MEMBER, { teamId: id.globexSupport, userId: id.ali }],
      [ADD_MEMBER, { teamId: id.sales, userId: id.gina }],
      [REMOVE_MEMBER, { teamId: id.globexSupport, userId: id.gina }],
      [REMOVE_MEMBER, { teamId: id.sales, userId: id.gina }],
      [ADD_MEMBER, { teamId: "not-an-id", userId: id.ali }],
    ] as const) {
      const res = await expectNothingWritten(app, () => app.gql("admin@acme.test", query, vars));
      expect({ vars, codes: codes(res) }).toEqual({ vars, codes: ["NOT_FOUND"] });
      expect(JSON.stringify(res.body)).not.toContain(id.globexSupport);
    }
  });
});

describe("updateTeamSettings", () => {
  let app: TestApp;
  let id: ReturnType<typeof ids>;
  beforeAll(async () => {
    app = await startTestApp();
    id = ids(app);
  });
  afterAll(async () => { await app.close(); });

  it("Sales → ASSIGNED_ONLY: on their next request ali no longer sees unassigned Sales conversations", async () => {
    const unassigned = { teamId: id.sales, unassigned: true };
    const before = await app.gql("ali@acme.test", COUNT, { filter: unassigned });
    expect(before.body.data!.conversations.totalCount).toBeGreaterThan(0);
    const own = await app.gql("ali@acme.test", COUNT, { filter: { teamId: id.sales, assigneeId: id.ali } });
    const seq = await lastSeq(app);

    const res = await app.gql("admin@acme.test", UPDATE_SETTINGS, { teamId: id.sales, input: { agentVisibility: "ASSIGNED_ONLY" } });
    expect(res.body).toEqual({ data: { updateTeamSettings: { id: id.sales, agentVisibility: "ASSIGNED_ONLY", unassignedAlertMinutes: 15, idleAlertMinutes: 240 } } });
    const [entry, ...more] = await entriesAfter(app, seq);
    expect(more).toEqual([]);
    expect(summary(entry)).toEqual({
      action: "team.updateSettings", outcome: "SUCCESS", actorId: id.admin, actorRole: "ADMIN", targetType: "Team", targetId: id.sales, teamId: id.sales,
    });
    expect([JSON.parse(entry.before!), JSON.parse(entry.after!)]).toEqual([
      { agentVisibility: "ASSIGNED_AND_UNASSIGNED" }, { agentVisibility: "ASSIGNED_ONLY" },
    ]);

    expect((await app.gql("ali@acme.test", COUNT, { filter: unassigned })).body.data!.conversations.totalCount).toBe(0);
    const firstUnassigned = before.body.data!.conversations.nodes[0].id;
    expect(codes(await app.gql("ali@acme.test", CONVERSATION, { id: firstUnassigned }))).toEqual(["NOT_FOUND"]);
    // Their own conversations stay visible; the manager still sees the whole team.
    expect((await app.gql("ali@acme.test", COUNT, { filter: { teamId: id.sales, assigneeId: id.ali } })).body.data).toEqual(own.body.data);
    expect((await app.gql("maya@acme.test", COUNT, { filter: unassigned })).body.data!.conversations.totalCount)
      .toBe(before.body.data!.conversations.totalCount);
  });

  it("alert thresholds accept their bounds and change only what is given", async () => {
    const res = await app.gql("admin@acme.test", UPDATE_SETTINGS, { teamId: id.support, input: { unassignedAlertMinutes: 10080, idleAlertMinutes: 43200 } });
    expect(res.body).toEqual({ data: { updateTeamSettings: { id: id.support, agentVisibility: "TEAM", unassignedAlertMinutes: 10080, idleAlertMinutes: 43200 } } });
    const low = await app.gql("admin@acme.test", UPDATE_SETTINGS, { teamId: id.support, input: { unassignedAlertMinutes: 1, idleAlertMinutes: 1 } });
    expect(low.body.data!.updateTeamSettings).toMatchObject({ unassignedAlertMinutes: 1, idleAlertMinutes: 1 });
    expect(await app.db.manager.findOneByOrFail(Team, { id: id.support })).toMatchObject({ agentVisibility: "TEAM", unassignedAlertMinutes: 1, idleAlertMinutes: 1 });
  });

  it.each([
    ["empty input", {}],
    ["only nulls", { agentVisibility: null, unassignedAlertMinutes: null, idleAlertMinutes: null }],
    ["unassignedAlertMinutes 0", { unassignedAlertMinutes: 0 }],
    ["unassignedAlertMinutes 10081", { unassignedAlertMinutes: 10081 }],
    ["idleAlertMinutes 0", { idleAlertMinutes: 0 }],
    ["idleAlertMinutes 43201", { idleAlertMinutes: 43201 }],
    ["idleAlertMinutes -5 with a valid visibility", { agentVisibility: "TEAM", idleAlertMinutes: -5 }],
    ["an unknown visibility", { agentVisibility: "EVERYONE" }],
  ])("%s is BAD_USER_INPUT and writes nothing", async (_name, input) => {
    const res = await expectNothingWritten(app, () => app.gql("admin@acme.test", UPDATE_SETTINGS, { teamId: id.sales, input }));
    expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
  });

  it("a team of another organization is NOT_FOUND and nothing is written", async () => {
    const res = await expectNothingWritten(app, () =>
      app.gql("admin@acme.test", UPDATE_SETTINGS, { teamId: id.globexSupport, input: { agentVisibility: "TEAM" } }));
    expect(codes(res)).toEqual(["NOT_FOUND"]);
    expect(JSON.stringify(res.body)).not.toContain(id.globexSupport);
    expect((await app.db.manager.findOneByOrFail(Team, { id: id.globexSupport })).agentVisibility).toBe("ASSIGNED_AND_UNASSIGNED");
  });
});
