import { Client } from "graphql-ws";
import { loadUserPrincipal, loadUserPrincipals } from "../src/auth/loadPrincipal";
import type { UserPrincipal } from "../src/auth/principal";
import { newId } from "../src/entities/columns";
import { AgentVisibility, ApiScope, Role } from "../src/entities/enums";
import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { cohortKey, liveRenderStats } from "../src/subscriptions/liveExecution";
import { LiveQueue } from "../src/subscriptions/liveHub";
import { buildAgents, buildConversations } from "./helpers/rows";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, wsClient } from "./helpers/wsClient";

// The live fan-out's shortcuts (issue 5, performance): principals reloaded in one batch per event,
// one execution per cohort of subscribers that would get the same result, and never a shared
// result where the subscriber's identity matters.

let app: TestApp;
const clients: Client[] = [];
const client = async (email: string) => {
  const c = wsClient(app, `Bearer ${await app.token(email)}`);
  clients.push(c);
  return c;
};

const QUEUE = `subscription($teamId: ID!) { queueChanged(teamId: $teamId) {
  type conversationId conversation { id assignee { name } contact { phoneNumber } } queue { open unassigned byAssignee { open assignee { name } } } } }`;
const MINE = `subscription { myAssignments { type conversationId conversation { id contact { phoneNumber } } } }`;
const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id } }`;

/** Adds managers of a demo team; returns their emails. */
async function buildManagers(team: string, n: number): Promise<string[]> {
  const teamId = app.seed.teams[team];
  const organizationId = app.seed.organizations.acme;
  const users = Array.from({ length: n }, (_, i) => ({
    id: newId(), organizationId, email: `fanout-manager${i}.${Date.now()}@acme.test`, name: `Fan-out Manager ${i}`, role: Role.MANAGER,
    active: true, lastActiveAt: null, createdAt: new Date(),
  }));
  await app.db.manager.insert(User, users);
  await app.db.manager.insert(TeamMember, users.map((u) => ({ teamId, userId: u.id, organizationId, joinedAt: new Date() })));
  for (const u of users) app.seed.users[u.email] = u.id;
  return users.map((u) => u.email);
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await app.close();
});

describe("cohorts", () => {
  const user = (over: Partial<UserPrincipal> = {}): UserPrincipal => ({
    kind: "USER", id: "u1", organizationId: "o1", role: Role.MANAGER,
    teams: [{ teamId: "t1", agentVisibility: AgentVisibility.TEAM }, { teamId: "t2", agentVisibility: AgentVisibility.TEAM }], ...over,
  });

  test("principals that differ only in who they are share a cohort; anything else the policy reads separates them", () => {
    const base = cohortKey(user());
    expect(cohortKey(user({ id: "u2" }))).toBe(base);
    expect(cohortKey(user({ teams: [...user().teams].reverse() }))).toBe(base);
    for (const other of [
      user({ role: Role.AGENT }), user({ organizationId: "o2" }), user({ teams: [user().teams[0]] }),
      user({ teams: [{ teamId: "t1", agentVisibility: AgentVisibility.ASSIGNED_ONLY }, user().teams[1]] }),
    ]) expect(cohortKey(other)).not.toBe(base);
    const key = (scopes: ApiScope[]) => cohortKey({ kind: "API_KEY", id: "k", organizationId: "o1", scopes: new Set(scopes), teams: [] });
    expect(key([ApiScope.CONVERSATIONS_READ, ApiScope.NOTES_WRITE])).toBe(key([ApiScope.NOTES_WRITE, ApiScope.CONVERSATIONS_READ]));
    expect(key([ApiScope.CONVERSATIONS_READ])).not.toBe(key([ApiScope.CONVERSATIONS_READ, ApiScope.CONTACTS_READ_PII]));
  });
});

describe("a stream's queue", () => {
  test("delivers in order what was pushed before its end, then the end's error; return() ends it at once", async () => {
    let ended = 0;
    const q = new LiveQueue<number>(() => ended++);
    const first = q.next();
    q.push(1);
    q.push(2);
    q.end(new Error("refused"));
    q.push(3); // after the end: dropped
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    await expect(q.next()).rejects.toThrow("refused");
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);

    const r = new LiveQueue<number>(() => ended++);
    const waiting = r.next();
    await r.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(ended).toBe(2);
  });

  test("a consumer too far behind ends its stream instead of holding events without bound", async () => {
    const q = new LiveQueue<number>(() => undefined, 3);
    for (let i = 0; i < 5; i++) q.push(i);
    expect(q.done).toBe(true);
    for (let i = 0; i < 3; i++) expect(await q.next()).toEqual({ value: i, done: false });
    await expect(q.next()).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
  });
});

describe("batched principal reload", () => {
  test("loads every user exactly as loadUserPrincipal does, inactive and unknown ones absent", async () => {
    const carl = app.seed.users["carl@acme.test"];
    await app.db.manager.update(User, { id: carl }, { active: false });
    try {
      const ids = [...Object.values(app.seed.users), newId(), "not-an-id"];
      const batch = await loadUserPrincipals(app.db.manager, ids);
      for (const id of ids) {
        const one = await loadUserPrincipal(app.db.manager, id);
        const many = batch.get(id) ?? null;
        if (one === null) expect(many).toBeNull();
        else expect({ ...many!, teams: [...many!.teams].sort((a, b) => a.teamId.localeCompare(b.teamId)) })
          .toEqual({ ...one, teams: [...one.teams].sort((a, b) => a.teamId.localeCompare(b.teamId)) });
      }
      expect(batch.has(carl)).toBe(false);
    } finally {
      await app.db.manager.update(User, { id: carl }, { active: true });
    }
  });
});

describe("one execution per cohort", () => {
  test("managers of a team get the same event from one execution; a demoted one's stream ends, the others go on", async () => {
    const teamId = app.seed.teams["acme/Sales"];
    const [m1, m2] = await buildManagers("acme/Sales", 2);
    const subs = await Promise.all(["maya@acme.test", m1, m2].map(async (email) => subscribe(await client(email), QUEUE, { teamId })));
    await settle(200);
    const [id] = await buildConversations(app, "acme/Sales", 1);
    const before = { ...liveRenderStats };
    await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["ali@acme.test"] } });
    const events = await Promise.all(subs.map(async (s) => (await s.waitFor(1))[0]));
    expect(events[0].errors).toBeUndefined();
    expect(events[0].data?.queueChanged).toMatchObject({ type: "ASSIGNED", conversationId: id, conversation: { id, assignee: { name: "Ali Agent" } } });
    expect(events[1]).toEqual(events[0]);
    expect(events[2]).toEqual(events[0]);
    expect({ executed: liveRenderStats.executed - before.executed, shared: liveRenderStats.shared - before.shared }).toEqual({ executed: 1, shared: 2 });

    // Demoted between two events: checked again before the next, alone in its cohort no more.
    await app.db.manager.update(User, { id: app.seed.users[m2] }, { role: Role.AGENT });
    await app.gql("maya@acme.test", `mutation($id: ID!) { unassignConversation(id: $id) { id } }`, { id });
    const ended = await subs[2].ended;
    expect((ended.error as { extensions?: { code?: string } }[])?.[0]?.extensions?.code).toBe("FORBIDDEN");
    for (const s of subs.slice(0, 2)) expect((await s.waitFor(2))[1].data?.queueChanged).toMatchObject({ type: "UNASSIGNED", conversationId: id });
    expect(subs[2].results).toHaveLength(1);
    for (const s of subs) s.stop();
    await settle(100);
  });

  test("where the subscriber's identity matters, each one's view is its own, even within a cohort", async () => {
    // Two agents with the same role and team: one cohort. A conversation moves from one to the
    // other: the event is "taken away" for one and "assigned, with the phone number" for the other.
    const [a1, a2] = await buildAgents(app, "acme/Sales", 2, "fanout-agent");
    const [s1, s2] = await Promise.all([a1, a2].map(async (email) => subscribe(await client(email), MINE)));
    await settle(200);
    const [id] = await buildConversations(app, "acme/Sales", 1);
    await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users[a1] } });
    await s1.waitFor(1);
    const before = { ...liveRenderStats };
    await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users[a2] } });
    const [, taken] = await s1.waitFor(2);
    const [given] = await s2.waitFor(1);
    expect(given.data?.myAssignments).toMatchObject({ type: "ASSIGNED", conversation: { id, contact: { phoneNumber: expect.stringMatching(/^\+/) } } });
    expect(given.errors).toBeUndefined();
    // Sales agents see only what is theirs (or unassigned): the one it was taken from no longer sees it.
    expect(taken).toEqual({ data: { myAssignments: { type: "UNASSIGNED", conversationId: id, conversation: null } } });
    expect(liveRenderStats.shared - before.shared).toBe(0);
    expect(liveRenderStats.identityDependent - before.identityDependent).toBeGreaterThanOrEqual(1);
  });
});
