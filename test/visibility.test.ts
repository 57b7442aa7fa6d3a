import { Conversation } from "../src/entities/Conversation";
import { AgentVisibility, ConversationStatus, NoteVisibility } from "../src/entities/enums";
import { Team } from "../src/entities/Team";
import { byNumber, DemoConversation, labelId, loadConversations } from "./helpers/demoRows";
import { codes, GraphQLResponse, startTestApp, TestApp } from "./helpers/testApp";

/** The filter input as the API takes it. */
interface Filter {
  teamId?: string;
  status?: ConversationStatus;
  assigneeId?: string;
  unassigned?: boolean;
  labelIds?: string[];
  phoneNumber?: string;
}

const PAGE = `query Page($filter: ConversationFilter, $first: Int!, $after: String) {
  conversations(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
    nodes { id }
  }
}`;

interface PageResult { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: { id: string } }[]; nodes: { id: string }[] }

/** Whether a conversation passes a client filter, computed from the row itself. */
function matches(c: DemoConversation, f: Filter): boolean {
  if (f.teamId !== undefined && c.teamId !== f.teamId) return false;
  if (f.status !== undefined && c.status !== f.status) return false;
  if (f.assigneeId !== undefined && c.assigneeId !== f.assigneeId) return false;
  if (f.unassigned === true && c.assigneeId !== null) return false;
  if (f.unassigned === false && c.assigneeId === null) return false;
  if (f.labelIds !== undefined && f.labelIds.length > 0 && !c.labelIds.some((l) => f.labelIds!.includes(l))) return false;
  if (f.phoneNumber !== undefined && c.phoneNumber !== f.phoneNumber) return false;
  return true;
}

describe("row visibility of conversations", () => {
  let app: TestApp;
  let acme: string;
  let sales: string;
  let support: string;
  const user = (email: string): string => app.seed.users[email];
  /** POLICY.md, Rows, written out for the demo principals under the seeded team settings. */
  let visibleTo: Record<string, (c: DemoConversation) => boolean>;
  const rows = () => loadConversations(app, acme);

  beforeAll(async () => {
    app = await startTestApp();
    acme = app.seed.organizations.acme;
    sales = app.seed.teams["acme/Sales"];
    support = app.seed.teams["acme/Support"];
    visibleTo = {
      "admin@acme.test": () => true,
      "maya@acme.test": (c) => c.teamId === sales,
      "sam@acme.test": (c) => c.teamId === support,
      // Sales is ASSIGNED_AND_UNASSIGNED: the unassigned ones and their own.
      "ali@acme.test": (c) => c.teamId === sales && (c.assigneeId === null || c.assigneeId === user("ali@acme.test")),
      // Support is TEAM: all of it.
      "bea@acme.test": (c) => c.teamId === support,
      "carl@acme.test": (c) =>
        (c.teamId === sales && (c.assigneeId === null || c.assigneeId === user("carl@acme.test"))) || c.teamId === support,
    };
  });
  afterAll(async () => { await app.close(); });

  /** Pages through a list with a small page size, checking each page, and returns ids in order. */
  async function pageThrough(email: string, filter: Filter, first = 7): Promise<{ ids: string[]; totalCounts: number[] }> {
    const ids: string[] = [];
    const totalCounts: number[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      if (pages > 50) throw new Error("pagination does not end");
      const res: GraphQLResponse<{ conversations: PageResult }> = await app.gql(email, PAGE, { filter, first, after });
      expect(res.body.errors).toBeUndefined();
      const page: PageResult = res.body.data!.conversations;
      totalCounts.push(page.totalCount);
      expect(page.edges.map((e) => e.node.id)).toEqual(page.nodes.map((n) => n.id));
      ids.push(...page.nodes.map((n) => n.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.length ? page.edges[page.edges.length - 1].cursor : null);
      if (!page.pageInfo.hasNextPage) break;
      expect(page.nodes).toHaveLength(first);
      after = page.pageInfo.endCursor;
    }
    return { ids, totalCounts };
  }

  /** Every conversation id of a list in one page (there are at most 40 per organization). */
  async function visibleIds(email: string, filter: Filter = {}): Promise<string[]> {
    const res = await app.gql<{ conversations: PageResult }>(email, PAGE, { filter, first: 100 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.conversations.pageInfo.hasNextPage).toBe(false);
    expect(res.body.data!.conversations.totalCount).toBe(res.body.data!.conversations.nodes.length);
    return res.body.data!.conversations.nodes.map((n) => n.id);
  }

  it("the seed sets Sales to ASSIGNED_AND_UNASSIGNED and Support to TEAM (preconditions)", async () => {
    const teams = await app.db.manager.find(Team, { where: { organizationId: acme }, order: { name: "ASC" } });
    expect(teams.map((t) => [t.name, t.agentVisibility])).toEqual([
      ["Sales", AgentVisibility.ASSIGNED_AND_UNASSIGNED],
      ["Support", AgentVisibility.TEAM],
    ]);
    const all = await rows();
    expect(all).toHaveLength(40);
    expect(all.filter((c) => c.n % 2 === 1).every((c) => c.teamId === sales)).toBe(true);
    expect(all.filter((c) => c.n % 2 === 0).every((c) => c.teamId === support)).toBe(true);
  });

  describe("lists show exactly the rows of POLICY.md, oldest first", () => {
    const expectedSizes: [string, number][] = [
      ["admin@acme.test", 40], ["maya@acme.test", 20], ["sam@acme.test", 20],
      ["ali@acme.test", 12], ["bea@acme.test", 20], ["carl@acme.test", 32],
    ];
    it.each(expectedSizes)("%s sees exactly the expected set (%i conversations)", async (email, size) => {
      const expected = (await rows()).filter(visibleTo[email]).map((c) => c.id);
      expect(expected).toHaveLength(size);
      expect(await visibleIds(email)).toEqual(expected);
    });

    it("ASSIGNED_ONLY on Sales: agents see only their own Sales conversations; managers are unaffected", async () => {
      await app.db.manager.update(Team, { id: sales }, { agentVisibility: AgentVisibility.ASSIGNED_ONLY });
      try {
        const all = await rows();
        const ali = all.filter((c) => c.teamId === sales && c.assigneeId === user("ali@acme.test")).map((c) => c.id);
        const carl = all.filter((c) =>
          (c.teamId === sales && c.assigneeId === user("carl@acme.test")) || c.teamId === support).map((c) => c.id);
        expect(ali).toHaveLength(6);
        expect(carl).toHaveLength(26);
        expect(await visibleIds("ali@acme.test")).toEqual(ali);
        expect(await visibleIds("carl@acme.test")).toEqual(carl);
        expect(await visibleIds("maya@acme.test")).toEqual(all.filter((c) => c.teamId === sales).map((c) => c.id));
        // The single fetch follows: an unassigned Sales conversation is now NOT_FOUND for ali.
        const unassigned = byNumber(all, 3);
        const one = await app.gql("ali@acme.test", "query($id: ID!) { conversation(id: $id) { id } }", { id: unassigned.id });
        expect([one.body.data, codes(one)]).toEqual([{ conversation: null }, ["NOT_FOUND"]]);
        // Unassigned Sales conversations vanish from ali's queue count too.
        const q = await app.gql("ali@acme.test", "query($t: ID!) { queue(teamId: $t) { open unassigned } }", { t: sales });
        expect(q.body.errors).toBeUndefined();
        expect(q.body.data).toEqual({
          queue: {
            open: all.filter((c) => c.teamId === sales && c.assigneeId === user("ali@acme.test") && c.status === ConversationStatus.OPEN).length,
            unassigned: 0,
          },
        });
      } finally {
        await app.db.manager.update(Team, { id: sales }, { agentVisibility: AgentVisibility.ASSIGNED_AND_UNASSIGNED });
      }
      expect(await visibleIds("ali@acme.test")).toHaveLength(12);
    });
  });

  describe("single fetch agrees with the list", () => {
    it.each(["admin@acme.test", "maya@acme.test", "ali@acme.test", "bea@acme.test", "carl@acme.test"])(
      "%s: conversation(id) returns the visible ones and NOT_FOUND (data null) for every other id, Globex's included",
      async (email) => {
        const all = [...(await rows()), ...(await loadConversations(app, app.seed.organizations.globex))];
        // In requests of 20 aliases each: the gateway's alias limit.
        const res = { body: { data: {} as Record<string, unknown>, errors: [] as { path?: (string | number)[]; extensions?: { code?: string } }[] } };
        for (let start = 0; start < all.length; start += 20) {
          const chunk = all.slice(start, start + 20).map((c, j) => ({ c, i: start + j }));
          const vars = Object.fromEntries(chunk.map(({ c, i }) => [`id${i}`, c.id]));
          const query = `query(${chunk.map(({ i }) => `$id${i}: ID!`).join(", ")}) {\n${chunk.map(({ i }) => `  c${i}: conversation(id: $id${i}) { id }`).join("\n")}\n}`;
          const part = await app.gql(email, query, vars);
          expect(part.status).toBe(200);
          Object.assign(res.body.data, part.body.data);
          res.body.errors.push(...(part.body.errors ?? []));
        }
        const invisible = all.map((c, i) => [c, `c${i}`] as const).filter(([c]) => c.organizationId !== acme || !visibleTo[email](c));
        expect(invisible.length).toBeGreaterThanOrEqual(40);
        all.forEach((c, i) => {
          const seen = c.organizationId === acme && visibleTo[email](c);
          expect([`c${i}`, res.body.data![`c${i}`]]).toEqual([`c${i}`, seen ? { id: c.id } : null]);
        });
        const errors = (res.body.errors ?? []).map((e) => [e.path, e.extensions?.code]);
        expect(errors.sort()).toEqual(invisible.map(([, alias]) => [[alias], "NOT_FOUND"]).sort());
      });
  });

  describe("contact phone numbers", () => {
    const QUERY = `query($mine: ID!, $open: ID!, $pending: ID!) {
      mine: conversation(id: $mine) { contact { name phoneNumber maskedPhoneNumber } }
      unassigned: conversation(id: $open) { contact { name phoneNumber whatsappId maskedPhoneNumber } }
      pending: conversation(id: $pending) { contact { name phoneNumber maskedPhoneNumber } }
    }`;

    it("an agent reads the number only while assigned to an unresolved conversation of the contact; the mask always", async () => {
      const all = await rows();
      const mine = byNumber(all, 1); // Sales p=1: ali, OPEN
      const open = byNumber(all, 3); // Sales p=2: unassigned, OPEN
      const pending = byNumber(all, 15); // Sales p=8: ali, PENDING
      expect([mine.assigneeId, mine.status]).toEqual([user("ali@acme.test"), ConversationStatus.OPEN]);
      expect([open.assigneeId, open.status]).toEqual([null, ConversationStatus.OPEN]);
      expect([pending.assigneeId, pending.status]).toEqual([user("ali@acme.test"), ConversationStatus.PENDING]);
      // Each of these contacts has exactly one conversation in the seed.
      expect(all.filter((c) => [mine.contactId, open.contactId, pending.contactId].includes(c.contactId))).toHaveLength(3);
      const vars = { mine: mine.id, open: open.id, pending: pending.id };
      const mask = (phone: string) => `+44 ••• ••• •${phone.slice(-3)}`;

      const before = await app.gql("ali@acme.test", QUERY, vars);
      expect(before.body.data).toEqual({
        mine: { contact: { name: "Customer 1", phoneNumber: "+447700900101", maskedPhoneNumber: "+44 ••• ••• •101" } },
        unassigned: { contact: { name: "Customer 3", phoneNumber: null, whatsappId: null, maskedPhoneNumber: mask(open.phoneNumber) } },
        pending: { contact: { name: "Customer 15", phoneNumber: pending.phoneNumber, maskedPhoneNumber: mask(pending.phoneNumber) } },
      });
      expect(before.body.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([
        [["unassigned", "contact", "phoneNumber"], "FORBIDDEN"],
        [["unassigned", "contact", "whatsappId"], "FORBIDDEN"],
      ]);

      await app.db.manager.update(Conversation, { id: mine.id }, { status: ConversationStatus.RESOLVED });
      try {
        const after = await app.gql("ali@acme.test", QUERY, vars);
        expect(after.body.data?.mine).toEqual({ contact: { name: "Customer 1", phoneNumber: null, maskedPhoneNumber: "+44 ••• ••• •101" } });
        expect(after.body.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([
          [["mine", "contact", "phoneNumber"], "FORBIDDEN"],
          [["unassigned", "contact", "phoneNumber"], "FORBIDDEN"],
          [["unassigned", "contact", "whatsappId"], "FORBIDDEN"],
        ]);
        // The manager still reads it.
        const maya = await app.gql("maya@acme.test", QUERY, vars);
        expect(maya.body.errors).toBeUndefined();
        expect(maya.body.data?.mine.contact.phoneNumber).toBe("+447700900101");
      } finally {
        await app.db.manager.update(Conversation, { id: mine.id }, { status: ConversationStatus.OPEN });
      }
    });

    it("the other agent of the team gets FORBIDDEN on both contacts that are not theirs", async () => {
      const all = await rows();
      const res = await app.gql("carl@acme.test", QUERY, { mine: byNumber(all, 5).id, open: byNumber(all, 3).id, pending: byNumber(all, 11).id });
      // Sales p=3 and p=6 are carl's.
      expect(res.body.data?.mine.contact.phoneNumber).toBe("+447700900105");
      expect(res.body.data?.pending.contact.phoneNumber).toBe("+447700900111");
      expect(res.body.data?.unassigned.contact).toEqual({ name: "Customer 3", phoneNumber: null, whatsappId: null, maskedPhoneNumber: "+44 ••• ••• •103" });
      expect(codes(res)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    });
  });

  describe("notes for managers only", () => {
    const NOTES = `{ conversations(first: 100) { nodes { id notes(last: 20) { body visibility } } } }`;

    it("the seed puts MANAGERS notes on Sales conversations 9, 21 and 33 (precondition)", async () => {
      const managersOnly = (await rows()).filter((c) => c.teamId === sales && c.notes.some((x) => x.visibility === NoteVisibility.MANAGERS));
      expect(managersOnly.map((c) => c.n).sort((a, b) => a - b)).toEqual([9, 21, 33]);
    });

    it.each([
      ["maya@acme.test", true],
      ["admin@acme.test", true],
      ["ali@acme.test", false],
      ["carl@acme.test", false],
    ] as const)("%s: notes are exactly those of the database, MANAGERS ones included: %s", async (email, seesManagerNotes) => {
      const expected = (await rows()).filter(visibleTo[email]).map((c) => ({
        id: c.id,
        notes: c.notes
          .filter((x) => seesManagerNotes || x.visibility === NoteVisibility.TEAM)
          .map((x) => ({ body: x.body, visibility: x.visibility })),
      }));
      const res = await app.gql(email, NOTES);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.conversations.nodes).toEqual(expected);
      const managerNotes = expected.flatMap((c) => c.notes).filter((x) => x.visibility === NoteVisibility.MANAGERS);
      expect(managerNotes.length > 0).toBe(seesManagerNotes);
      expect(expected.flatMap((c) => c.notes).length).toBeGreaterThan(0);
    });

    it("ali's view of conversation 9 has no notes at all (its only note is for managers), with no error", async () => {
      const c9 = byNumber(await rows(), 9);
      expect(c9.assigneeId).toBeNull();
      const query = "query($id: ID!) { conversation(id: $id) { id notes { visibility } } }";
      const ali = await app.gql("ali@acme.test", query, { id: c9.id });
      expect(ali.body).toEqual({ data: { conversation: { id: c9.id, notes: [] } } });
      const maya = await app.gql("maya@acme.test", query, { id: c9.id });
      expect(maya.body).toEqual({ data: { conversation: { id: c9.id, notes: [{ visibility: "MANAGERS" }] } } });
    });
  });

  describe("totalCount and keyset pagination", () => {
    let billing: string;
    let urgent: string;
    let vip: string;
    beforeAll(async () => {
      [billing, urgent, vip] = await Promise.all(["Billing", "Urgent", "VIP"].map((n) => labelId(app, acme, n)));
    });

    const filters: [string, () => Filter][] = [
      ["no filter", () => ({})],
      ["status OPEN", () => ({ status: ConversationStatus.OPEN })],
      ["status PENDING", () => ({ status: ConversationStatus.PENDING })],
      ["unassigned", () => ({ unassigned: true })],
      ["assigned", () => ({ unassigned: false })],
      ["assigneeId carl", () => ({ assigneeId: user("carl@acme.test") })],
      ["assigneeId ali", () => ({ assigneeId: user("ali@acme.test") })],
      ["labelIds Billing", () => ({ labelIds: [billing] })],
      ["labelIds Urgent or VIP", () => ({ labelIds: [urgent, vip] })],
      ["teamId Sales", () => ({ teamId: sales })],
      ["teamId Support, OPEN, unassigned", () => ({ teamId: support, status: ConversationStatus.OPEN, unassigned: true })],
    ];

    it("every admin filter narrows to a non-empty proper subset (so the checks below mean something)", async () => {
      const all = await rows();
      for (const [name, filter] of filters.slice(1)) {
        const n = all.filter((c) => matches(c, filter())).length;
        expect([name, n > 0 && n < 40]).toEqual([name, true]);
      }
    });

    const principals = ["admin@acme.test", "maya@acme.test", "ali@acme.test", "bea@acme.test", "carl@acme.test"];
    it.each(principals)("%s: pages of 7 cover the filtered scope exactly once, in order, and totalCount is its size", async (email) => {
      const all = await rows();
      for (const [name, filter] of filters) {
        const f = filter();
        const expected = all.filter((c) => visibleTo[email](c) && matches(c, f)).map((c) => c.id);
        const { ids, totalCounts } = await pageThrough(email, f);
        expect([name, ids]).toEqual([name, expected]);
        expect([name, new Set(totalCounts)]).toEqual([name, new Set([expected.length])]);
      }
    });

    it("first: 0 gives only the count; every edge cursor resumes right after its edge", async () => {
      const all = (await rows()).map((c) => c.id);
      const zero = await app.gql("admin@acme.test", PAGE, { first: 0 });
      expect(zero.body.errors).toBeUndefined();
      const { pageInfo, ...counted } = zero.body.data!.conversations;
      expect(counted).toEqual({ totalCount: 40, edges: [], nodes: [] });
      expect(pageInfo.endCursor).toBeNull();
      const full = await app.gql<{ conversations: PageResult }>("admin@acme.test", PAGE, { first: 40 });
      const edges = full.body.data!.conversations.edges;
      expect(edges.map((e) => e.node.id)).toEqual(all);
      expect(full.body.data!.conversations.pageInfo.hasNextPage).toBe(false);
      for (let i = 0; i < edges.length; i += 3) {
        const res = await app.gql<{ conversations: PageResult }>("admin@acme.test", PAGE, { first: 5, after: edges[i].cursor });
        expect([i, res.body.data!.conversations.nodes.map((n) => n.id)]).toEqual([i, all.slice(i + 1, i + 6)]);
        expect(res.body.data!.conversations.pageInfo.hasNextPage).toBe(i + 6 < all.length);
      }
    });
  });

  describe("keyset pagination with equal createdAt", () => {
    it("ties are broken by id: pages of 2 still cover every row exactly once, in (createdAt, id) order", async () => {
      const original = await rows();
      // Five conversations spread over both teams take the createdAt of the first of them.
      const tied = original.slice(10, 15);
      const at = tied[0].createdAt;
      for (const c of tied) await app.db.manager.update(Conversation, { id: c.id }, { createdAt: at });
      try {
        const all = await rows();
        expect(all.filter((c) => c.createdAt.getTime() === at.getTime())).toHaveLength(5);
        for (const email of ["admin@acme.test", "carl@acme.test"]) {
          const expected = all.filter(visibleTo[email]).map((c) => c.id);
          const { ids, totalCounts } = await pageThrough(email, {}, 2);
          expect([email, ids]).toEqual([email, expected]);
          expect(new Set(totalCounts)).toEqual(new Set([expected.length]));
        }
      } finally {
        for (const c of tied) await app.db.manager.update(Conversation, { id: c.id }, { createdAt: c.createdAt });
      }
    });
  });

  describe("queue snapshots count through the same scope as lists", () => {
    const QUERY = `query($team: ID!, $open: ConversationFilter, $unassigned: ConversationFilter) {
      queue(teamId: $team) { teamId open unassigned }
      open: conversations(filter: $open, first: 0) { totalCount }
      unassigned: conversations(filter: $unassigned, first: 0) { totalCount }
    }`;
    const cases: [string, string][] = [
      ["admin@acme.test", "Sales"], ["admin@acme.test", "Support"], ["maya@acme.test", "Sales"],
      ["ali@acme.test", "Sales"], ["carl@acme.test", "Sales"], ["carl@acme.test", "Support"],
    ];
    it.each(cases)("%s on %s: open and unassigned equal the list totalCounts and the database", async (email, teamName) => {
      const team = app.seed.teams[`acme/${teamName}`];
      const res = await app.gql(email, QUERY, {
        team,
        open: { teamId: team, status: "OPEN" },
        unassigned: { teamId: team, status: "OPEN", unassigned: true },
      });
      expect(res.body.errors).toBeUndefined();
      const live = (await rows()).filter((c) => visibleTo[email](c) && c.teamId === team && c.status === ConversationStatus.OPEN);
      const open = live.length;
      const unassigned = live.filter((c) => c.assigneeId === null).length;
      expect(unassigned).toBeGreaterThan(0);
      expect(res.body.data).toEqual({
        queue: { teamId: team, open, unassigned },
        open: { totalCount: open },
        unassigned: { totalCount: unassigned },
      });
    });

    it("ali and maya get NOT_FOUND for the queue of Support, which they do not reach", async () => {
      for (const email of ["ali@acme.test", "maya@acme.test"]) {
        const res = await app.gql(email, "query($t: ID!) { queue(teamId: $t) { open } }", { t: support });
        expect([email, res.body.data, codes(res)]).toEqual([email, { queue: null }, ["NOT_FOUND"]]);
      }
    });
  });

  describe("filtering by phone number", () => {
    const QUERY = `query($phone: String!) { conversations(filter: { phoneNumber: $phone }) { totalCount nodes { id contact { name } } } }`;

    it("a manager finds exactly Customer 1's conversation by its number", async () => {
      const c1 = byNumber(await rows(), 1);
      expect([c1.teamId, c1.phoneNumber]).toEqual([sales, "+447700900101"]);
      const res = await app.gql("maya@acme.test", QUERY, { phone: "+447700900101" });
      expect(res.body).toEqual({ data: { conversations: { totalCount: 1, nodes: [{ id: c1.id, contact: { name: "Customer 1" } }] } } });
    });

    it("the row scope still applies: maya finds nothing by a Support customer's number, the admin does", async () => {
      const c2 = byNumber(await rows(), 2);
      const maya = await app.gql("maya@acme.test", QUERY, { phone: c2.phoneNumber });
      expect(maya.body).toEqual({ data: { conversations: { totalCount: 0, nodes: [] } } });
      const admin = await app.gql("admin@acme.test", QUERY, { phone: c2.phoneNumber });
      expect(admin.body).toEqual({ data: { conversations: { totalCount: 1, nodes: [{ id: c2.id, contact: { name: "Customer 2" } }] } } });
    });

    it.each(["ali@acme.test", "carl@acme.test"])("%s (an agent) gets FORBIDDEN, even for the number of their own contact", async (email) => {
      const res = await app.gql(email, QUERY, { phone: "+447700900101" });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ conversations: null });
      expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["conversations"], "FORBIDDEN"]]);
    });
  });
});
