/**
 * The role × field matrix of POLICY.md (Fields), over real HTTP. Three parts:
 *  1. every object type and field of the schema is classified in the permission map;
 *  2. each restricted field, for each demo principal, on a concrete demo row: its exact value, or
 *     null with FORBIDDEN at its path, or the row not reachable at all (row scopes decide that);
 *  3. a sweep selecting every field reachable from the everyday roots, generated from the schema:
 *     FORBIDDEN may only ever appear on a restricted field.
 */
import { getNamedType, GraphQLObjectType, isNonNullType, isObjectType } from "graphql";
import { ApiScope, Role } from "../src/entities/enums";
import { Template } from "../src/entities/Template";
import { User } from "../src/entities/User";
import { rules } from "../src/permissions/rules";
import { permissionMap } from "../src/permissions/shield";
import { buildBareSchema } from "../src/schema";
import { byNumber, loadConversations } from "./helpers/demoRows";
import { createApiKeyFor, insertAuditEntry } from "./helpers/factories";
import { fieldAtPath, ResponsePath, selectEverything } from "./helpers/schemaSelection";
import { GraphQLResponse, startTestApp, SWEEP_LIMITS, TestApp } from "./helpers/testApp";

/** The principals of the matrix, in the column order of every table row below. */
const PRINCIPALS = ["admin", "maya", "sam", "ali", "bea", "carl", "keyAll", "keyRead"] as const;
type PrincipalName = (typeof PRINCIPALS)[number];
type UserName = Exclude<PrincipalName, "keyAll" | "keyRead">;

/** admin: ADMIN · maya: MANAGER Sales · sam: MANAGER Support · ali: AGENT Sales · bea: AGENT Support · carl: AGENT Sales+Support. */
const EMAILS: Record<UserName, string> = {
  admin: "admin@acme.test", maya: "maya@acme.test", sam: "sam@acme.test",
  ali: "ali@acme.test", bea: "bea@acme.test", carl: "carl@acme.test",
};
const USER_NAMES = Object.keys(EMAILS) as UserName[];
const ALL_SCOPES = [ApiScope.CONVERSATIONS_READ, ApiScope.ASSIGNMENTS_WRITE, ApiScope.NOTES_WRITE, ApiScope.CONTACTS_READ_PII];

/** value: reads the exact value · FORBIDDEN: null + FORBIDDEN at the field · absent: the row is not in the response at all. */
type Outcome = "value" | "FORBIDDEN" | "absent";
const CELL: Record<string, Outcome> = { Y: "value", N: "FORBIDDEN", "-": "absent" };

/** One table row: a cell per principal, columns as PRINCIPALS (admin maya sam ali bea carl keyAll keyRead). */
function readers(cells: string): Record<PrincipalName, Outcome> {
  const parts = cells.trim().split(/\s+/);
  if (parts.length !== PRINCIPALS.length || parts.some((c) => !(c in CELL))) throw new Error(`bad table row "${cells}"`);
  return Object.fromEntries(PRINCIPALS.map((p, i) => [p, CELL[parts[i]]])) as Record<PrincipalName, Outcome>;
}

/** Demo rows the matrix points at, read from the database once the app is seeded. */
interface Fixtures {
  conversation: Record<number, string>;
  user: Record<UserName, { id: string; email: string; lastActiveAt: string }>;
  template: Record<string, string>;
  team: { sales: string; support: string };
  audit: { sales: string; support: string; org: string };
}

interface FieldExpectation {
  readers: Record<PrincipalName, Outcome>;
  value: (f: Fixtures, who: PrincipalName) => unknown;
}

interface MatrixRow {
  /** The demo row, described as the policy table would. */
  row: string;
  query: string;
  variables?: (f: Fixtures) => Record<string, unknown>;
  /** Path from `data` to the object holding the fields; null when the response does not contain the row. */
  locate: (data: unknown, f: Fixtures) => ResponsePath | null;
  /** The row's id, which must appear nowhere in a response that cannot reach the row. */
  rowId?: (f: Fixtures) => string;
  /** Single fetches answer an unreachable row with an error at the root field. */
  absentError?: { path: ResponsePath; code: string };
  /** Keyed by the field's path below the located object ("contact.phoneNumber"). */
  fields: Record<string, FieldExpectation>;
}

const get = (value: unknown, path: ResponsePath): unknown =>
  path.reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k]), value);

/** The object at `path` if present. */
const at = (path: ResponsePath) => (data: unknown): ResponsePath | null => (get(data, path) ? path : null);

/** The list element (at `listPath`) whose `id` is the fixture's id. */
const inList = (listPath: ResponsePath, idOf: (f: Fixtures) => string) => (data: unknown, f: Fixtures): ResponsePath | null => {
  const list = get(data, listPath);
  if (!Array.isArray(list)) return null;
  const i = list.findIndex((x: { id?: string } | null) => x?.id === idOf(f));
  return i < 0 ? null : [...listPath, i];
};

const same = (a: FieldExpectation["value"], cells: string): FieldExpectation => ({ readers: readers(cells), value: a });
const constant = (v: unknown) => () => v;

const CONVERSATION = `query ($id: ID!) { conversation(id: $id) { id
  contact { id phoneNumber whatsappId }
  assignmentHistory { action reason fromAssignee { name } toAssignee { name } assignedBy { name } } } }`;
const USERS = "{ users { id email lastActiveAt openAssignmentCount } }";
const QUEUE = `query ($teamId: ID!) { queue(teamId: $teamId) { teamId open unassigned pending oldestUnassignedAgeSeconds
  byAssignee { assignee { name } open pending } } }`;
const TEMPLATES = `{ templates { id rejectionReason createdBy { name } lastEditedBy { name } approvedBy { name }
  history { fromStatus toStatus reason actor { name } } } }`;

const conversationRow = (n: number, row: string, fields: Record<string, FieldExpectation>): MatrixRow => ({
  row: `Customer ${n}: ${row}`,
  query: CONVERSATION,
  variables: (f) => ({ id: f.conversation[n] }),
  locate: at(["conversation"]),
  rowId: (f) => f.conversation[n],
  absentError: { path: ["conversation"], code: "NOT_FOUND" },
  fields,
});
const history = (action: string, reason: string, to: string, by: string) =>
  constant([{ action, reason, fromAssignee: null, toAssignee: { name: to }, assignedBy: { name: by } }]);
const phone = (n: number) => `+4477009001${String(n).padStart(2, "0")}`;

const userRow = (who: UserName, openAssignments: number, email: string, activity: string): MatrixRow => ({
  row: `${who} as listed by users`,
  query: USERS,
  locate: inList(["users"], (f) => f.user[who].id),
  rowId: (f) => f.user[who].id,
  fields: {
    email: same((f) => f.user[who].email, email),
    lastActiveAt: same((f) => f.user[who].lastActiveAt, activity),
    openAssignmentCount: same(constant(openAssignments), activity),
  },
});

/** Unresolved conversations each demo user holds: per team of 20, A has p=1,4,8, B p=3,6, the manager p=7, twice. */
const OPEN_ASSIGNMENTS: Record<UserName, number> = { admin: 0, maya: 2, sam: 2, ali: 6, bea: 6, carl: 8 };

const templateRow = (name: string, row: string, cells: string, values: Record<string, unknown>): MatrixRow => ({
  row: `template ${name} (${row})`,
  query: TEMPLATES,
  locate: inList(["templates"], (f) => f.template[name]),
  rowId: (f) => f.template[name],
  fields: Object.fromEntries(Object.entries(values).map(([field, v]) => [field, same(constant(v), cells)])),
});
const event = (fromStatus: string | null, toStatus: string, actor: string, reason: string | null = null) =>
  ({ fromStatus, toStatus, reason, actor: { name: actor } });

const queueRow = (team: "sales" | "support", fields: Record<string, FieldExpectation>): MatrixRow => ({
  row: `queue of ${team === "sales" ? "Sales" : "Support"}`,
  query: QUEUE,
  variables: (f) => ({ teamId: f.team[team] }),
  locate: at(["queue"]),
  rowId: (f) => f.team[team],
  absentError: { path: ["queue"], code: "NOT_FOUND" },
  fields,
});

const TEMPLATE_NAMES_ALL = ["old_promo", "order_update", "payment_reminder", "support_followup", "welcome_offer", "winback"];

/**
 * POLICY.md, Fields, written out for the demo principals. Columns: admin maya sam ali bea carl keyAll keyRead
 * (keyAll: an API key with all four scopes on Sales; keyRead: `conversations:read` only, on Sales).
 */
const MATRIX: MatrixRow[] = [
  // Contact PII: ADMIN, MANAGER, the AGENT currently assigned (status not RESOLVED), `contacts:read_pii`.
  // Conversation.assignmentHistory: MANAGER, ADMIN.
  conversationRow(1, "Sales, OPEN, assigned to ali", {
    "contact.phoneNumber": same(constant(phone(1)), "Y Y - Y - - Y N"),
    "contact.whatsappId": same(constant(phone(1).slice(1)), "Y Y - Y - - Y N"),
    assignmentHistory: same(history("ASSIGN", "Routed to the Sales team member with capacity", "Ali Agent", "Maya Manager"), "Y Y - N - - N N"),
  }),
  conversationRow(3, "Sales, OPEN, unassigned", {
    "contact.phoneNumber": same(constant(phone(3)), "Y Y - N - N Y N"),
    "contact.whatsappId": same(constant(phone(3).slice(1)), "Y Y - N - N Y N"),
    assignmentHistory: same(constant([]), "Y Y - N - N N N"),
  }),
  conversationRow(2, "Support, OPEN, assigned to bea", {
    "contact.phoneNumber": same(constant(phone(2)), "Y - Y - Y N - -"),
    "contact.whatsappId": same(constant(phone(2).slice(1)), "Y - Y - Y N - -"),
    assignmentHistory: same(history("ASSIGN", "Routed to the Support team member with capacity", "Bea Agent", "Sam Manager"), "Y - Y - N N - -"),
  }),
  conversationRow(19, "Sales, RESOLVED, assigned to carl (no longer currently assigned)", {
    "contact.phoneNumber": same(constant(phone(19)), "Y Y - - - N Y N"),
    "contact.whatsappId": same(constant(phone(19).slice(1)), "Y Y - - - N Y N"),
    assignmentHistory: same(history("CLAIM", "Claimed from the team queue", "Carl Agent", "Carl Agent"), "Y Y - - - N N N"),
  }),

  // User.email: themself, a MANAGER sharing a team, ADMIN. lastActiveAt, openAssignmentCount: MANAGER sharing a team, ADMIN.
  userRow("ali", OPEN_ASSIGNMENTS.ali, "Y Y - Y - N N N", "Y Y - N - N N N"),
  userRow("carl", OPEN_ASSIGNMENTS.carl, "Y Y Y N N Y N N", "Y Y Y N N N N N"),
  userRow("maya", OPEN_ASSIGNMENTS.maya, "Y Y - N - N N N", "Y Y - N - N N N"),
  {
    row: "maya as the author of order_update (sam is a MANAGER who shares no team with her)",
    query: "{ templates { id createdBy { id email lastActiveAt openAssignmentCount } } }",
    locate: (data, f) => {
      const template = inList(["templates"], (x) => x.template.order_update)(data, f);
      return template && get(data, [...template, "createdBy"]) ? [...template, "createdBy"] : null;
    },
    rowId: (f) => f.user.maya.id,
    fields: {
      email: same((f) => f.user.maya.email, "Y Y N - - - - -"),
      lastActiveAt: same((f) => f.user.maya.lastActiveAt, "Y Y N - - - - -"),
      openAssignmentCount: same(constant(OPEN_ASSIGNMENTS.maya), "Y Y N - - - - -"),
    },
  },
  {
    row: "each user themself, through me",
    query: "{ me { user { id email lastActiveAt openAssignmentCount } } }",
    locate: at(["me", "user"]),
    fields: {
      email: same((f, who) => f.user[who as UserName].email, "Y Y Y Y Y Y - -"),
      lastActiveAt: same((f, who) => f.user[who as UserName].lastActiveAt, "Y Y Y N N N - -"),
      openAssignmentCount: same((_f, who) => OPEN_ASSIGNMENTS[who as UserName], "Y Y Y N N N - -"),
    },
  },

  // Template governance fields: MANAGER, ADMIN. Agents see only APPROVED templates usable by their teams.
  templateRow("order_update", "APPROVED, every team", "Y Y Y N N N - -", {
    rejectionReason: null,
    createdBy: { name: "Maya Manager" },
    lastEditedBy: { name: "Maya Manager" },
    approvedBy: { name: "Ada Admin" },
    history: [event(null, "DRAFT", "Maya Manager"), event("DRAFT", "PENDING_APPROVAL", "Maya Manager"),
      event("PENDING_APPROVAL", "APPROVED", "Ada Admin")],
  }),
  templateRow("winback", "REJECTED", "Y Y Y - - - - -", {
    rejectionReason: "Too pushy for a utility number",
    createdBy: { name: "Sam Manager" },
    lastEditedBy: { name: "Sam Manager" },
    approvedBy: null,
    history: [event(null, "DRAFT", "Sam Manager"), event("DRAFT", "PENDING_APPROVAL", "Sam Manager"),
      event("PENDING_APPROVAL", "REJECTED", "Ada Admin", "Too pushy for a utility number")],
  }),

  // AuditEntry.ipAddress, userAgent: ADMIN. (The entry is about Sales: sam's scope does not reach it.)
  {
    row: "audit entry about Sales with a recorded IP and user agent",
    query: "{ auditEntries { nodes { id ipAddress userAgent } } }",
    locate: inList(["auditEntries", "nodes"], (f) => f.audit.sales),
    rowId: (f) => f.audit.sales,
    fields: {
      ipAddress: same(constant("203.0.113.7"), "Y N - - - - - -"),
      userAgent: same(constant("PartnerCRM/2.1"), "Y N - - - - - -"),
    },
  },

  // QueueSnapshot: open/unassigned for everyone who reaches the team, through their row scope;
  // pending, oldestUnassignedAgeSeconds, byAssignee: MANAGER of the team, ADMIN.
  // Per team: 16 OPEN (6 unassigned), 2 PENDING (A's), 2 RESOLVED. Sales is ASSIGNED_AND_UNASSIGNED,
  // so its agents count their own 4 open plus the 6 unassigned; Support is TEAM.
  // Oldest unassigned: Sales n=37, waiting since its 3rd message, 24 h + 10200 min − 80 min ago = 693600 s;
  // Support n=38, since its 5th message, 24 h + 10800 min − 160 min ago = 724800 s (the app clock is the seed's).
  queueRow("sales", {
    open: same((_f, who) => (who === "ali" || who === "carl" ? 10 : 16), "Y Y - Y - Y Y Y"),
    unassigned: same(constant(6), "Y Y - Y - Y Y Y"),
    pending: same(constant(2), "Y Y - N - N N N"),
    oldestUnassignedAgeSeconds: same(constant(693600), "Y Y - N - N N N"),
    byAssignee: same(constant([
      { assignee: { name: "Ali Agent" }, open: 4, pending: 2 },
      { assignee: { name: "Carl Agent" }, open: 4, pending: 0 },
      { assignee: { name: "Maya Manager" }, open: 2, pending: 0 },
    ]), "Y Y - N - N N N"),
  }),
  queueRow("support", {
    open: same(constant(16), "Y - Y - Y Y - -"),
    unassigned: same(constant(6), "Y - Y - Y Y - -"),
    pending: same(constant(2), "Y - Y - N N - -"),
    oldestUnassignedAgeSeconds: same(constant(724800), "Y - Y - N N - -"),
    byAssignee: same(constant([
      { assignee: { name: "Bea Agent" }, open: 4, pending: 2 },
      { assignee: { name: "Carl Agent" }, open: 4, pending: 0 },
      { assignee: { name: "Sam Manager" }, open: 2, pending: 0 },
    ]), "Y - Y - N N - -"),
  }),

  // Queries restricted as a whole.
  {
    row: "Query.apiKeys (ADMIN only)",
    query: "{ apiKeys { name scopes teamIds } }",
    locate: () => [],
    fields: {
      apiKeys: same((f) => [
        { name: "partner (conversations:read)", scopes: ["CONVERSATIONS_READ"], teamIds: [f.team.sales] },
        { name: "partner (all scopes)", scopes: ["CONVERSATIONS_READ", "ASSIGNMENTS_WRITE", "NOTES_WRITE", "CONTACTS_READ_PII"], teamIds: [f.team.sales] },
      ], "Y N N N N N N N"),
    },
  },
  {
    row: "Query.templates (API keys have no template scope)",
    query: "{ templates { name } }",
    locate: () => [],
    fields: {
      templates: same((_f, who) => {
        const names = who === "ali" ? ["order_update"] : who === "bea" || who === "carl" ? ["order_update", "support_followup"] : TEMPLATE_NAMES_ALL;
        return names.map((name) => ({ name }));
      }, "Y Y Y Y Y Y N N"),
    },
  },
  {
    row: "Query.auditEntries (ADMIN all, MANAGER their teams', others FORBIDDEN)",
    query: "{ auditEntries { totalCount nodes { id action } } }",
    locate: () => [],
    fields: {
      auditEntries: same((f, who) => {
        const entries = {
          org: { id: f.audit.org, action: "user.setRole" },
          support: { id: f.audit.support, action: "conversation.claim" },
          sales: { id: f.audit.sales, action: "conversation.assign" },
        };
        const nodes = who === "admin" ? [entries.org, entries.support, entries.sales] : who === "maya" ? [entries.sales] : [entries.support];
        return { totalCount: nodes.length, nodes };
      }, "Y Y Y N N N N N"),
    },
  },
];

describe("role matrix", () => {
  let app: TestApp;
  let f: Fixtures;
  const auth = {} as Record<PrincipalName, string>;
  const ask = (who: PrincipalName, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> =>
    app.gqlWithAuth(auth[who], query, variables);

  beforeAll(async () => {
    app = await startTestApp({ config: SWEEP_LIMITS });
    const acme = app.seed.organizations.acme;
    for (const who of USER_NAMES) auth[who] = `Bearer ${await app.token(EMAILS[who])}`;
    auth.keyAll = await createApiKeyFor(app, { name: "partner (all scopes)", scopes: ALL_SCOPES, teamNames: ["Sales"] });
    await new Promise((r) => setTimeout(r, 5)); // apiKeys is newest first: keep the two creation times apart
    auth.keyRead = await createApiKeyFor(app, { name: "partner (conversations:read)", scopes: [ApiScope.CONVERSATIONS_READ], teamNames: ["Sales"] });

    const team = { sales: app.seed.teams["acme/Sales"], support: app.seed.teams["acme/Support"] };
    const conversations = await loadConversations(app, acme);
    const minutesAgo = (m: number) => new Date(app.clock.now.getTime() - m * 60_000);
    const sales = await insertAuditEntry(app, {
      teamId: team.sales, actorId: app.seed.users["maya@acme.test"], actorRole: Role.MANAGER, action: "conversation.assign",
      targetType: "Conversation", targetId: byNumber(conversations, 3).id, after: { assigneeId: app.seed.users["ali@acme.test"] },
      requestId: "req-matrix-1", ipAddress: "203.0.113.7", userAgent: "PartnerCRM/2.1", createdAt: minutesAgo(3),
    });
    const support = await insertAuditEntry(app, {
      teamId: team.support, actorId: app.seed.users["bea@acme.test"], action: "conversation.claim",
      targetType: "Conversation", targetId: byNumber(conversations, 4).id, actorRole: Role.AGENT, ipAddress: "198.51.100.4", userAgent: "Switchboard Web", createdAt: minutesAgo(2),
    });
    const org = await insertAuditEntry(app, {
      action: "user.setRole", targetType: "User", targetId: app.seed.users["carl@acme.test"], ipAddress: "198.51.100.9", createdAt: minutesAgo(1),
    });

    const users = await app.db.manager.findBy(User, { organizationId: acme });
    const userOf = (who: UserName) => {
      const u = users.find((x) => x.email === EMAILS[who])!;
      return { id: u.id, email: u.email, lastActiveAt: u.lastActiveAt!.toISOString() };
    };
    const templates = await app.db.manager.findBy(Template, { organizationId: acme });
    f = {
      conversation: Object.fromEntries([1, 2, 3, 19].map((n) => [n, byNumber(conversations, n).id])),
      user: Object.fromEntries(USER_NAMES.map((who) => [who, userOf(who)])) as Fixtures["user"],
      template: Object.fromEntries(templates.map((t) => [t.name, t.id])),
      team,
      audit: { sales: sales.id, support: support.id, org: org.id },
    };
  });
  afterAll(async () => { await app.close(); });

  describe("classification: every object type and field of the schema has a rule", () => {
    const schema = buildBareSchema();
    const objectTypes = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__"));
    const rootTypes = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((t): t is GraphQLObjectType => t !== null && t !== undefined);

    it("the permission map lists exactly the schema's object types and fields", () => {
      const inSchema = Object.fromEntries(objectTypes.map((t) => [t.name, Object.keys(t.getFields()).sort()]));
      const inMap = Object.fromEntries(Object.entries(permissionMap).map(([t, fields]) => [t, Object.keys(fields).sort()]));
      expect(inMap).toEqual(inSchema);
    });

    it("covers the root types (Query, and Mutation and Subscription when the schema has them)", () => {
      expect(rootTypes.map((t) => t.name)).toContain("Query");
      for (const root of rootTypes) expect(Object.keys(permissionMap)).toContain(root.name);
    });

    it("names only rules that exist", () => {
      const unknown = Object.entries(permissionMap).flatMap(([type, fields]) =>
        Object.entries(fields).filter(([, rule]) => !(rule in rules)).map(([field, rule]) => `${type}.${field}: ${rule}`));
      expect(unknown).toEqual([]);
    });

    it("keeps every restricted field of a non-root type nullable, so a denial never nulls its parent", () => {
      const roots = new Set(rootTypes.map((t) => t.name));
      const nonNull = objectTypes.filter((t) => !roots.has(t.name)).flatMap((t) =>
        Object.values(t.getFields())
          .filter((field) => permissionMap[t.name]?.[field.name] !== "whoeverSeesParent" && isNonNullType(field.type))
          .map((field) => `${t.name}.${field.name}`));
      expect(nonNull).toEqual([]);
    });
  });

  describe.each(MATRIX)("$row", (row) => {
    it.each(PRINCIPALS)("as %s", async (who) => {
      const res = await ask(who, row.query, row.variables?.(f));
      expect(res.status).toBe(200);
      const data = res.body.data ?? null;
      const errors = (res.body.errors ?? []).map((e) => ({ path: e.path ?? [], code: e.extensions?.code }));
      const expectations = Object.entries(row.fields).map(([field, e]) => ({ field, outcome: e.readers[who], value: e.value }));
      const parent = row.locate(data, f);

      // Only denials (and, for a row out of reach, the single fetch's NOT_FOUND) may appear.
      expect(errors.filter((e) => e.code !== "FORBIDDEN" && e.code !== row.absentError?.code)).toEqual([]);

      if (expectations.some((e) => e.outcome === "absent")) {
        expect(expectations.map((e) => e.outcome)).toEqual(expectations.map(() => "absent")); // the table itself is consistent
        expect({ who, parent }).toEqual({ who, parent: null });
        if (row.rowId) expect(JSON.stringify(res.body)).not.toContain(row.rowId(f));
        if (row.absentError) expect(errors).toEqual([row.absentError]);
        return;
      }
      expect({ who, parent }).toEqual({ who, parent: expect.any(Array) });
      for (const e of expectations) {
        const path = [...parent!, ...e.field.split(".")];
        const got = { who, field: e.field, value: get(data, path) ?? null, errors: errors.filter((x) => x.path.join(".") === path.join(".")).map((x) => x.code) };
        if (e.outcome === "value") expect(got).toEqual({ who, field: e.field, value: e.value(f, who), errors: [] });
        else expect(got).toEqual({ who, field: e.field, value: null, errors: ["FORBIDDEN"] });
      }
    });
  });

  describe("without valid credentials", () => {
    it.each(MATRIX)("$row: HTTP 401 UNAUTHENTICATED and no data, with no header or a wrong API key secret", async (row) => {
      const wrongSecret = auth.keyAll.slice(0, auth.keyAll.indexOf(".") + 1) + "not-the-secret";
      for (const authorization of [null, wrongSecret]) {
        const res = await app.gqlWithAuth(authorization, row.query, row.variables?.(f));
        expect({ authorization, status: res.status, data: res.body.data ?? null, codes: (res.body.errors ?? []).map((e) => e.extensions?.code) })
          .toEqual({ authorization, status: 401, data: null, codes: ["UNAUTHENTICATED"] });
      }
    });
  });

  describe("sweep: every field reachable from me, conversations, teams, users and labels", () => {
    const schema = buildBareSchema();
    const query = schema.getQueryType()!;
    const root = (name: string, args = "") =>
      `${name}${args} { ${selectEverything(getNamedType(query.getFields()[name].type) as GraphQLObjectType, new Set([query.name]))} }`;
    const SWEEP = `{ ${root("me")} ${root("conversations", "(first: 5)")} ${root("teams")} ${root("users")} ${root("labels")} }`;
    const restricted = (type: string, field: string): boolean => {
      const rule = permissionMap[type]?.[field];
      return rule !== undefined && rule !== "whoeverSeesParent";
    };

    it.each(PRINCIPALS)("as %s, FORBIDDEN appears only on restricted fields", async (who) => {
      const res = await ask(who, SWEEP);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.data ?? {}).sort()).toEqual(["conversations", "labels", "me", "teams", "users"]);
      expect(res.body.data!.conversations.nodes.length).toBeGreaterThan(0);
      const errors = res.body.errors ?? [];
      const denied = errors.map((e) => ({ ...fieldAtPath(schema, e.path ?? []), code: e.extensions?.code }));
      expect(denied.filter((d) => d.code !== "FORBIDDEN" || !restricted(d.parentType, d.field))).toEqual([]);
      const deniedFields = new Set(denied.map((d) => `${d.parentType}.${d.field}`));
      if (who === "admin") expect([...deniedFields]).toEqual([]);
      // Agents and API keys meet the shield: every page shows users whose activity is not theirs to read.
      else if (who !== "maya" && who !== "sam") expect([...deniedFields]).toEqual(expect.arrayContaining(["User.lastActiveAt", "User.openAssignmentCount"]));
    });
  });
});
