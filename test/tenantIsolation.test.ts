/**
 * POLICY.md, Principals: "No query … error message or count ever reveals another organization's
 * data. A foreign id behaves exactly like a non-existent id." Every query that takes an id is
 * asked once with the other organization's id and once with a random well-formed UUID, and the
 * two responses must be identical, byte for byte once parsed; ids of the wrong shape likewise.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { getNamedType, GraphQLObjectType, isNonNullType } from "graphql";
import { ApiKey } from "../src/entities/ApiKey";
import { ApiScope, Role } from "../src/entities/enums";
import { Label } from "../src/entities/Label";
import { Template } from "../src/entities/Template";
import { User } from "../src/entities/User";
import { buildBareSchema } from "../src/schema";
import { byNumber, loadConversations } from "./helpers/demoRows";
import { apiKeyIdOf, createApiKey, createApiKeyFor, DemoOrganization, insertAuditEntry } from "./helpers/factories";
import { fingerprintOf, leakedIn } from "./helpers/organizationFingerprint";
import { selectEverything } from "./helpers/schemaSelection";
import { GraphQLResponse, startTestApp, SWEEP_LIMITS, TestApp } from "./helpers/testApp";

/** One organization's ids of each kind the id-taking queries accept. */
interface OrgIds {
  conversation: string;
  team: string;
  assignee: string;
  label: string;
  auditTeam: string;
  auditActor: string;
  auditTarget: string;
}

interface Probe {
  name: string;
  query: string;
  variables: (id: string) => Record<string, unknown>;
  idOf: (ids: OrgIds) => string;
  /** Whether a response found something: the control that shows the probe can find rows at all. */
  found: (data: Record<string, any>) => boolean;
  /**
   * The filter searches recorded values as given (audit targets of refused attempts are stored as
   * requested, "42" included), so an upper-cased own id is left to the database's collation.
   */
  verbatim?: true;
}

const list = (root: string) => (data: Record<string, any>) => data[root].totalCount > 0;

const PROBES: Probe[] = [
  { name: "conversation(id)", query: "query ($id: ID!) { conversation(id: $id) { id contact { name phoneNumber } team { id name } } }",
    variables: (id) => ({ id }), idOf: (o) => o.conversation, found: (d) => d.conversation !== null },
  { name: "conversations(filter: { teamId })", query: "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount nodes { id } } }",
    variables: (id) => ({ f: { teamId: id } }), idOf: (o) => o.team, found: list("conversations") },
  { name: "conversations(filter: { assigneeId })", query: "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount nodes { id } } }",
    variables: (id) => ({ f: { assigneeId: id } }), idOf: (o) => o.assignee, found: list("conversations") },
  { name: "conversations(filter: { labelIds })", query: "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount nodes { id } } }",
    variables: (id) => ({ f: { labelIds: [id] } }), idOf: (o) => o.label, found: list("conversations") },
  { name: "users(teamId)", query: "query ($id: ID) { users(teamId: $id) { id name } }",
    variables: (id) => ({ id }), idOf: (o) => o.team, found: (d) => d.users.length > 0 },
  { name: "queue(teamId)", query: "query ($id: ID!) { queue(teamId: $id) { teamId open unassigned } }",
    variables: (id) => ({ id }), idOf: (o) => o.team, found: (d) => d.queue !== null },
  { name: "auditEntries(filter: { teamId })", query: "query ($f: AuditFilter) { auditEntries(filter: $f) { totalCount nodes { id teamId } } }",
    variables: (id) => ({ f: { teamId: id } }), idOf: (o) => o.auditTeam, found: list("auditEntries") },
  { name: "auditEntries(filter: { actorId })", query: "query ($f: AuditFilter) { auditEntries(filter: $f) { totalCount nodes { id actorId } } }",
    variables: (id) => ({ f: { actorId: id } }), idOf: (o) => o.auditActor, found: list("auditEntries") },
  { name: "auditEntries(filter: { targetId })", query: "query ($f: AuditFilter) { auditEntries(filter: $f) { totalCount nodes { id targetId } } }",
    variables: (id) => ({ f: { targetId: id } }), idOf: (o) => o.auditTarget, found: list("auditEntries"), verbatim: true },
];

/** Who asks, from which organization. */
const ASKERS = ["Acme admin", "Acme agent (ali)", "Acme API key", "Globex admin", "Globex API key"] as const;
type Asker = (typeof ASKERS)[number];
const homeOf = (asker: Asker): DemoOrganization => (asker.startsWith("Globex") ? "globex" : "acme");
const otherOf = (org: DemoOrganization): DemoOrganization => (org === "acme" ? "globex" : "acme");

/**
 * Ids that are not ids: each must be answered exactly like an id that does not exist. Upper case
 * matters because MariaDB compares case-insensitively and SQLite does not: an upper-cased own id
 * would otherwise find rows on one database and none on the other.
 */
const WRONG_SHAPES = (probe: Probe, foreignId: string, ownId: string): Record<string, string> => ({
  "a number": "42",
  "a word": "not-a-uuid",
  "an empty string": "",
  "the foreign id in upper case": foreignId.toUpperCase(),
  "the foreign id with a leading space": ` ${foreignId}`,
  "an SQL fragment": "' OR '1'='1",
  ...(probe.verbatim ? {} : { "an own id in upper case": ownId.toUpperCase() }),
});

describe("tenant isolation", () => {
  let app: TestApp;
  const auth = {} as Record<Asker, string>;
  const ids = {} as Record<DemoOrganization, OrgIds>;
  const fingerprint = {} as Record<DemoOrganization, string[]>;

  const ask = (asker: Asker, probe: Probe, id: string) => app.gqlWithAuth(auth[asker], probe.query, probe.variables(id));

  /** Asserts no string identifying the other organization appears in a response. */
  const expectNoLeak = (asker: Asker, res: GraphQLResponse) =>
    expect({ asker, leaked: leakedIn(res, fingerprint[otherOf(homeOf(asker))]) }).toEqual({ asker, leaked: [] });

  beforeAll(async () => {
    app = await startTestApp({ config: SWEEP_LIMITS });
    auth["Acme admin"] = `Bearer ${await app.token("admin@acme.test")}`;
    auth["Acme agent (ali)"] = `Bearer ${await app.token("ali@acme.test")}`;
    auth["Globex admin"] = `Bearer ${await app.token("admin@globex.test")}`;
    auth["Acme API key"] = await createApiKeyFor(app, {
      name: "Acme partner", scopes: [ApiScope.CONVERSATIONS_READ, ApiScope.CONTACTS_READ_PII], teamNames: ["Sales"],
    });
    auth["Globex API key"] = await createApiKeyFor(app, {
      organization: "globex", name: "Globex partner", scopes: [ApiScope.CONVERSATIONS_READ], teamNames: ["Support"],
    });

    for (const org of ["acme", "globex"] as const) {
      const organizationId = app.seed.organizations[org];
      const conversations = await loadConversations(app, organizationId);
      const team = app.seed.teams[`${org}/${org === "acme" ? "Sales" : "Support"}`];
      const agent = app.seed.users[org === "acme" ? "ali@acme.test" : "gina@globex.test"];
      const audited = await insertAuditEntry(app, {
        organization: org, teamId: team, actorId: agent, actorRole: Role.AGENT, action: "conversation.claim",
        targetType: "Conversation", targetId: byNumber(conversations, 1).id, ipAddress: "192.0.2.1", userAgent: `${org} client`,
      });
      ids[org] = {
        conversation: byNumber(conversations, 1).id,
        team,
        assignee: agent,
        label: (await app.db.manager.findOneByOrFail(Label, { organizationId, name: "Billing" })).id,
        auditTeam: team,
        auditActor: agent,
        auditTarget: audited.targetId!,
      };
    }
    fingerprint.acme = await fingerprintOf(app, "acme");
    fingerprint.globex = await fingerprintOf(app, "globex");
  });
  afterAll(async () => { await app.close(); });

  it("tells the organizations apart (the fingerprints the leak checks search for are not empty)", () => {
    expect(fingerprint.globex).toEqual(expect.arrayContaining(["Globex", "Gina Agent", "admin@globex.test", ids.globex.conversation]));
    expect(fingerprint.acme).toEqual(expect.arrayContaining(["Acme", "Ali Agent", "admin@acme.test", ids.acme.conversation]));
    expect(fingerprint.globex).not.toContain("Support"); // both organizations have one
  });

  describe.each(PROBES)("$name", (probe) => {
    it.each(ASKERS)("as %s: the other organization's id is answered exactly like an id that does not exist", async (asker) => {
      const foreign = await ask(asker, probe, probe.idOf(ids[otherOf(homeOf(asker))]));
      const missing = await ask(asker, probe, randomUUID());
      expect(foreign).toEqual(missing);
      expect(foreign.status).toBe(200);
      expectNoLeak(asker, foreign);
    });

    it.each(ASKERS)("as %s: ids of the wrong shape are answered exactly like an id that does not exist", async (asker) => {
      const missing = await ask(asker, probe, randomUUID());
      const shapes = WRONG_SHAPES(probe, probe.idOf(ids[otherOf(homeOf(asker))]), probe.idOf(ids[homeOf(asker)]));
      const answeredDifferently: { shape: string; res: GraphQLResponse }[] = [];
      for (const [shape, id] of Object.entries(shapes)) {
        const res = await ask(asker, probe, id);
        if (!isDeepStrictEqual(res, missing)) answeredDifferently.push({ shape, res });
        expectNoLeak(asker, res);
      }
      expect(answeredDifferently).toEqual([]);
    });

    it("as an admin, the same probe with an id of the admin's own organization finds rows (the control)", async () => {
      for (const asker of ["Acme admin", "Globex admin"] as const) {
        const res = await ask(asker, probe, probe.idOf(ids[homeOf(asker)]));
        expect({ asker, errors: res.body.errors ?? [] }).toEqual({ asker, errors: [] });
        expect({ asker, found: probe.found(res.body.data!) }).toEqual({ asker, found: true });
        expectNoLeak(asker, res);
      }
    });
  });

  it("answers not-found and empty concretely (not merely the same for both)", async () => {
    const byName = (name: string) => PROBES.find((p) => p.name === name)!;
    const conversation = await ask("Acme admin", byName("conversation(id)"), ids.globex.conversation);
    expect(conversation.body.data).toEqual({ conversation: null });
    expect(conversation.body.errors!.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const queue = await ask("Acme agent (ali)", byName("queue(teamId)"), ids.globex.team);
    expect(queue.body.data).toEqual({ queue: null });
    expect(queue.body.errors!.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const conversations = await ask("Acme admin", byName("conversations(filter: { teamId })"), ids.globex.team);
    expect(conversations.body).toEqual({ data: { conversations: { totalCount: 0, nodes: [] } } });
    const users = await ask("Acme admin", byName("users(teamId)"), ids.globex.team);
    expect(users.body).toEqual({ data: { users: [] } });
    const audit = await ask("Acme admin", byName("auditEntries(filter: { actorId })"), ids.globex.auditActor);
    expect(audit.body).toEqual({ data: { auditEntries: { totalCount: 0, nodes: [] } } });
  });

  describe("everything a principal can list without an id", () => {
    const schema = buildBareSchema();
    const query = schema.getQueryType()!;
    /** Arguments for list roots; roots needing an id are the probes above. */
    const ARGS: Record<string, string> = { conversations: "(first: 100)", auditEntries: "(first: 100)", labels: "(includeArchived: true)" };
    const roots = Object.values(query.getFields()).filter((f) => f.args.every((a) => a.defaultValue !== undefined || !isNonNullType(a.type)));
    /** One operation per root: a denied non-null root (templates for an API key) would null its siblings. */
    const everything = roots.map((f) =>
      `{ ${f.name}${ARGS[f.name] ?? ""} { ${selectEverything(getNamedType(f.type) as GraphQLObjectType, new Set([query.name]))} } }`);

    it("covers the list roots", () => {
      expect(roots.map((f) => f.name)).toEqual(expect.arrayContaining(["apiKeys", "auditEntries", "conversations", "labels", "me", "teams", "templates", "users"]));
    });

    it.each(ASKERS)("as %s, nothing of the other organization appears", async (asker) => {
      for (const operation of everything) {
        const res = await app.gqlWithAuth(auth[asker], operation);
        expect(res.status).toBe(200);
        expect((res.body.errors ?? []).filter((e) => e.extensions?.code !== "FORBIDDEN")).toEqual([]);
        expectNoLeak(asker, res);
      }
    });

    it("Globex's admin sees exactly Globex's conversations, teams, users, labels, templates, audit entries and API keys", async () => {
      const globex = app.seed.organizations.globex;
      const m = app.db.manager;
      const res = await app.gqlWithAuth(auth["Globex admin"], `{
        conversations(first: 100) { totalCount nodes { id } }
        teams { id name }
        users { id }
        labels(includeArchived: true) { id }
        templates { id name }
        auditEntries(first: 100) { totalCount nodes { id } }
        apiKeys { name }
      }`);
      expect(res.body.errors).toBeUndefined();
      const data = res.body.data!;
      const sorted = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
      const conversations = await loadConversations(app, globex);
      expect(data.conversations.totalCount).toBe(40);
      expect(sorted(data.conversations.nodes)).toEqual(conversations.map((c) => c.id).sort());
      expect(data.teams).toEqual([{ id: app.seed.teams["globex/Support"], name: "Support" }]);
      expect(sorted(data.users)).toEqual((await m.findBy(User, { organizationId: globex })).map((u) => u.id).sort());
      expect(sorted(data.labels)).toEqual((await m.findBy(Label, { organizationId: globex })).map((l) => l.id).sort());
      expect(data.templates).toEqual((await m.findBy(Template, { organizationId: globex })).map((t) => ({ id: t.id, name: t.name })));
      expect(data.templates.map((t: { name: string }) => t.name)).toEqual(["globex_hello"]);
      expect(data.auditEntries).toEqual({ totalCount: 1, nodes: [{ id: expect.any(String) }] });
      expect(data.apiKeys).toEqual([{ name: "Globex partner" }]);
      expect(leakedIn(res, fingerprint.acme)).toEqual([]);
    });

    it("an API key whose grant names another organization's team reaches nothing", async () => {
      // Only a direct insert can make such a key (a stale or forged grant); it is removed afterwards
      // because Globex's own apiKeys list would show the Acme team id stored in it.
      const crossGrantKey = await createApiKey(app, {
        organizationId: app.seed.organizations.globex, name: "Globex partner with a foreign grant",
        scopes: Object.values(ApiScope), teamIds: [app.seed.teams["acme/Sales"]], createdById: app.seed.users["admin@globex.test"],
      });
      const res = await app.gqlWithAuth(crossGrantKey, `query ($team: ID!) {
        me { kind teams { id } }
        conversations(first: 100) { totalCount nodes { id } }
        users { id }
        teams { id }
        queue(teamId: $team) { open }
      }`, { team: app.seed.teams["acme/Sales"] });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        me: { kind: "API_KEY", teams: [] }, conversations: { totalCount: 0, nodes: [] }, users: [], teams: [], queue: null,
      });
      await app.db.manager.delete(ApiKey, { id: apiKeyIdOf(crossGrantKey) });
      expect(res.body.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[["queue"], "NOT_FOUND"]]);
      expect(leakedIn(res, fingerprint.acme)).toEqual([]);
    });
  });
});
