import { Client } from "graphql-ws";
import { auditFaults } from "../src/commands/runCommand";
import { Role } from "../src/entities/enums";
import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { createApiKey } from "./helpers/factories";
import { buildConversations } from "./helpers/rows";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, wsClient } from "./helpers/wsClient";

let app: TestApp;
let rows: DemoConversation[];
const clients: Client[] = [];
const conv = (n: number) => byNumber(rows, n).id;
const bearer = async (email: string, expiresIn?: string) => `Bearer ${await app.token(email, expiresIn)}`;
const client = async (email: string) => {
  const c = wsClient(app, await bearer(email));
  clients.push(c);
  return c;
};

const QUEUE = `subscription($teamId: ID!) { queueChanged(teamId: $teamId) {
  type teamId conversationId conversation { id assignee { name } contact { phoneNumber } } queue { open unassigned pending byAssignee { open } } } }`;
const MINE = `subscription { myAssignments { type conversationId conversation { id contact { phoneNumber maskedPhoneNumber } } } }`;
const CLAIM = `mutation($id: ID!) { claimConversation(id: $id) { id } }`;
const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id } }`;
const UNASSIGN = `mutation($id: ID!) { unassignConversation(id: $id) { id } }`;

beforeAll(async () => {
  app = await startTestApp();
  rows = await loadConversations(app, app.seed.organizations.acme);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await app.close();
});

describe("connecting", () => {
  test.each([["no credential", null], ["a bad token", "Bearer nope"], ["a bad API key", "ApiKey 123.456"]])(
    "%s closes the socket with 4403 before any subscription", async (_name, authorization) => {
      const closed = new Promise<number>((resolve) => {
        const c = wsClient(app, authorization, (code) => resolve(code));
        clients.push(c);
        subscribe(c, MINE);
      });
      expect(await closed).toBe(4403);
    });

  test("a JWT that expires while connected closes the socket when it does", async () => {
    const closed = new Promise<number>((resolve) => {
      void bearer("maya@acme.test", "2s").then((auth) => {
        const c = wsClient(app, auth, (code) => resolve(code));
        clients.push(c);
        subscribe(c, QUEUE, { teamId: app.seed.teams["acme/Sales"] });
      });
    });
    expect(await closed).toBe(4401);
  });

  test("queries and mutations over the socket are authorized as over HTTP", async () => {
    const c = await client("ali@acme.test");
    const sub = subscribe(c, `{ conversation(id: "${conv(2)}") { id } me { role } }`);
    const [res] = await sub.waitFor(1);
    expect(res.data).toEqual({ conversation: null, me: { role: "AGENT" } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
  });
});

describe("queueChanged", () => {
  test("denied subscribes get an error result, not a silent stream", async () => {
    const denied = [
      ["ali@acme.test", "FORBIDDEN"], // an agent of the team
      ["sam@acme.test", "NOT_FOUND"], // a manager of another team
      ["admin@globex.test", "NOT_FOUND"], // another organization's admin
    ] as const;
    for (const [email, code] of denied) {
      const sub = subscribe(await client(email), QUEUE, { teamId: app.seed.teams["acme/Sales"] });
      const [res] = await sub.waitFor(1);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(await sub.ended).toEqual({});
    }
    const key = await createApiKey(app);
    const keySub = subscribe(wsClient(app, key), QUEUE, { teamId: app.seed.teams["acme/Sales"] });
    expect((await keySub.waitFor(1))[0].errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });

  test("the team's manager and the admin get each change with the fresh snapshot; others get nothing", async () => {
    const teamId = app.seed.teams["acme/Sales"];
    const maya = subscribe(await client("maya@acme.test"), QUEUE, { teamId });
    const admin = subscribe(await client("admin@acme.test"), QUEUE, { teamId });
    const sam = subscribe(await client("sam@acme.test"), QUEUE, { teamId: app.seed.teams["acme/Support"] });
    const globex = subscribe(await client("admin@globex.test"), QUEUE, { teamId: app.seed.teams["globex/Support"] });
    await settle(200);
    const before = await app.gql("maya@acme.test", `query($t: ID!) { queue(teamId: $t) { open unassigned } }`, { t: teamId });
    const claimed = await app.gql("ali@acme.test", CLAIM, { id: conv(3) });
    expect(claimed.body.data?.claimConversation).toEqual({ id: conv(3) });

    for (const sub of [maya, admin]) {
      const [event] = await sub.waitFor(1);
      expect(event.errors).toBeUndefined();
      expect(event.data?.queueChanged).toMatchObject({
        type: "ASSIGNED", teamId, conversationId: conv(3),
        conversation: { id: conv(3), assignee: { name: "Ali Agent" }, contact: { phoneNumber: byNumber(rows, 3).phoneNumber } },
        queue: { open: before.body.data!.queue.open, unassigned: before.body.data!.queue.unassigned - 1 },
      });
    }
    await settle();
    expect(sam.results).toEqual([]);
    expect(globex.results).toEqual([]);
  });

  test("the stream ends with an error when the subscriber is demoted or deactivated", async () => {
    const teamId = app.seed.teams["acme/Sales"];
    const maya = subscribe(await client("maya@acme.test"), QUEUE, { teamId });
    await settle(200);
    await app.db.manager.update(User, { id: app.seed.users["maya@acme.test"] }, { role: Role.AGENT });
    try {
      await app.gql("ali@acme.test", CLAIM, { id: conv(9) });
      const ended = await maya.ended;
      expect((ended.error as { message?: string; extensions?: { code?: string } }[])?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(maya.results).toEqual([]);
    } finally {
      await app.db.manager.update(User, { id: app.seed.users["maya@acme.test"] }, { role: Role.MANAGER });
    }
  });

  test("the stream ends with an error when the subscriber is removed from the team", async () => {
    const teamId = app.seed.teams["acme/Sales"];
    const maya = subscribe(await client("maya@acme.test"), QUEUE, { teamId });
    await settle(200);
    const membership = { teamId, userId: app.seed.users["maya@acme.test"] };
    await app.db.manager.delete(TeamMember, membership);
    try {
      await app.gql("admin@acme.test", CLAIM, { id: conv(29) });
      const ended = await maya.ended;
      expect((ended.error as { extensions?: { code?: string } }[])?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(maya.results).toEqual([]);
    } finally {
      await app.db.manager.insert(TeamMember, { ...membership, organizationId: app.seed.organizations.acme, joinedAt: new Date() });
    }
  });

  test("a rolled-back change is never announced", async () => {
    const teamId = app.seed.teams["acme/Sales"];
    const admin = subscribe(await client("admin@acme.test"), QUEUE, { teamId });
    await settle(200);
    const [id] = await buildConversations(app, "acme/Sales", 1);
    auditFaults.failNext = true;
    const failed = await app.gql("ali@acme.test", CLAIM, { id });
    expect(failed.body.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    await settle();
    expect(admin.results).toEqual([]);
    // The retry succeeds and is announced exactly once.
    await app.gql("ali@acme.test", CLAIM, { id });
    expect((await admin.waitFor(1)).map((r) => r.data?.queueChanged.conversationId)).toEqual([id]);
  });
});

describe("myAssignments", () => {
  test("an agent is told when a conversation is assigned to them and taken away; the phone number only while assigned", async () => {
    const ali = subscribe(await client("ali@acme.test"), MINE);
    const carl = subscribe(await client("carl@acme.test"), MINE);
    await settle(200);
    const id = conv(17);
    await app.gql("maya@acme.test", ASSIGN, { input: { conversationId: id, assigneeId: app.seed.users["ali@acme.test"] } });
    const [assigned] = await ali.waitFor(1);
    expect(assigned.data?.myAssignments).toEqual({
      type: "ASSIGNED", conversationId: id,
      conversation: { id, contact: { phoneNumber: byNumber(rows, 17).phoneNumber, maskedPhoneNumber: expect.stringMatching(/^\+44 ••• ••• •\d{3}$/) } },
    });
    await app.gql("maya@acme.test", UNASSIGN, { id });
    const [, taken] = await ali.waitFor(2);
    expect(taken.data?.myAssignments).toMatchObject({ type: "UNASSIGNED", conversationId: id, conversation: { id, contact: { phoneNumber: null } } });
    expect(taken.errors?.map((e) => [e.extensions?.code, e.path?.join(".")])).toEqual([["FORBIDDEN", "myAssignments.conversation.contact.phoneNumber"]]);
    await settle();
    expect(carl.results).toEqual([]);
  });

  test("a deactivated subscriber's stream ends with an error at the next event", async () => {
    const carl = subscribe(await client("carl@acme.test"), MINE);
    await settle(200);
    await app.db.manager.update(User, { id: app.seed.users["carl@acme.test"] }, { active: false });
    try {
      await app.gql("admin@acme.test", UNASSIGN, { id: conv(5) }); // carl's
      const ended = await carl.ended;
      expect((ended.error as { extensions?: { code?: string } }[])?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    } finally {
      await app.db.manager.update(User, { id: app.seed.users["carl@acme.test"] }, { active: true });
    }
  });
});
