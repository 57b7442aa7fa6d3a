import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { createApiKey } from "./helpers/factories";
import { buildAgents } from "./helpers/rows";
import { codes, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";

let app: TestApp;
let rows: DemoConversation[];
const MIN = 60_000;

beforeAll(async () => {
  app = await startTestApp();
  rows = await loadConversations(app, app.seed.organizations.acme);
});
afterAll(async () => { await app.close(); });

const sales = () => app.seed.teams["acme/Sales"];
const waitingSince = (c: DemoConversation) => (c.waitingSince ?? c.createdAt).getTime();

describe("queue(teamId) for supervisors", () => {
  const QUEUE = `query($t: ID!) { queue(teamId: $t) { open unassigned alertAfterMinutes pastAlertCount pastAlert { id } } }`;

  test("counts and lists the open, unassigned conversations waiting past the team's threshold, oldest first", async () => {
    const late = rows
      .filter((c) => c.teamId === sales() && c.status === "OPEN" && c.assigneeId === null && waitingSince(c) < SEED_NOW.getTime() - 15 * MIN)
      .sort((a, b) => waitingSince(a) - waitingSince(b) || a.id.localeCompare(b.id));
    expect(late.length).toBeGreaterThan(0);
    const res = await app.gql("maya@acme.test", QUEUE, { t: sales() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.queue).toMatchObject({ alertAfterMinutes: 15, pastAlertCount: late.length, pastAlert: late.map((c) => ({ id: c.id })) });
  });

  test("agents see the threshold but not the late list", async () => {
    const res = await app.gql("ali@acme.test", QUEUE, { t: sales() });
    expect(res.body.data!.queue).toMatchObject({ alertAfterMinutes: 15, pastAlertCount: null, pastAlert: null });
    expect(res.body.errors?.map((e) => [e.path?.join("."), e.extensions?.code]).sort()).toEqual([
      ["queue.pastAlert", "FORBIDDEN"], ["queue.pastAlertCount", "FORBIDDEN"],
    ]);
  });
});

describe("ownershipGaps(teamId)", () => {
  const GAPS = `query($t: ID!) { ownershipGaps(teamId: $t) { conversation { id } reasons } }`;

  test("lists every reason a conversation lacks an owner, matching the rows", async () => {
    // Make one of each: an inactive assignee, an assignee removed from the team behind the API's back.
    const [ghost] = await buildAgents(app, "acme/Sales", 1, "ghost");
    const [leaver] = await buildAgents(app, "acme/Sales", 1, "leaver");
    const inactiveConv = byNumber(rows, 9); // unassigned Sales, OPEN
    const strayConv = byNumber(rows, 17);
    await app.db.manager.update("conversations", { id: inactiveConv.id }, { assigneeId: app.seed.users[ghost] });
    await app.db.manager.update("conversations", { id: strayConv.id }, { assigneeId: app.seed.users[leaver] });
    await app.db.manager.update(User, { id: app.seed.users[ghost] }, { active: false });
    await app.db.manager.delete(TeamMember, { teamId: sales(), userId: app.seed.users[leaver] });
    rows = await loadConversations(app, app.seed.organizations.acme);

    const now = SEED_NOW.getTime();
    const expected = rows
      .filter((c) => c.teamId === sales() && (c.status === "OPEN" || c.status === "PENDING"))
      .map((c) => {
        const reasons: string[] = [];
        if (c.assigneeId === null && c.status === "OPEN" && waitingSince(c) < now - 15 * MIN) reasons.push("UNASSIGNED_TOO_LONG");
        if (c.assigneeId === app.seed.users[ghost]) reasons.push("ASSIGNEE_INACTIVE");
        if (c.assigneeId === app.seed.users[leaver]) reasons.push("ASSIGNEE_NOT_IN_TEAM");
        if (c.status === "OPEN" && c.lastActivityAt.getTime() < now - 240 * MIN) reasons.push("IDLE");
        return { c, reasons };
      })
      .filter((g) => g.reasons.length > 0)
      .sort((a, b) => a.c.lastActivityAt.getTime() - b.c.lastActivityAt.getTime() || a.c.id.localeCompare(b.c.id))
      .map((g) => ({ conversation: { id: g.c.id }, reasons: g.reasons }));

    for (const email of ["maya@acme.test", "admin@acme.test"]) {
      const res = await app.gql(email, GAPS, { t: sales() });
      expect(res.body).toEqual({ data: { ownershipGaps: expected } });
    }
    const reasons = new Set(expected.flatMap((g) => g.reasons));
    expect([...reasons].sort()).toEqual(["ASSIGNEE_INACTIVE", "ASSIGNEE_NOT_IN_TEAM", "IDLE", "UNASSIGNED_TOO_LONG"]);
  });

  test("agents are FORBIDDEN, other teams' managers and other organizations NOT_FOUND, API keys FORBIDDEN", async () => {
    expect(codes(await app.gql("ali@acme.test", GAPS, { t: sales() }))).toEqual(["FORBIDDEN"]);
    expect(codes(await app.gql("sam@acme.test", GAPS, { t: sales() }))).toEqual(["NOT_FOUND"]);
    expect(codes(await app.gql("admin@globex.test", GAPS, { t: sales() }))).toEqual(["NOT_FOUND"]);
    expect(codes(await app.gqlWithAuth(await createApiKey(app), GAPS, { t: sales() }))).toEqual(["FORBIDDEN"]);
  });
});
