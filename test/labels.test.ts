import { auditEntriesAfter, AuditView, lastSeq as lastAuditSeq } from "./helpers/audit";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { ConversationLabel } from "../src/entities/ConversationLabel";
import { ApiScope } from "../src/entities/enums";
import { Label } from "../src/entities/Label";
import { Note } from "../src/entities/Note";
import { teamTopic, QueueEvent } from "../src/subscriptions/events";
import { byNumber, DemoConversation, labelId, loadConversations } from "./helpers/demoRows";
import { apiKeyIdOf, createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";

/*
 * POLICY.md, Mutations: createLabel, renameLabel, archiveLabel (MANAGER, ADMIN; names unique per
 * organization, case-insensitive) and applyLabel, removeLabel (anyone who sees the conversation;
 * archived labels cannot be applied). Demo facts used (src/seed/demoData.ts): Acme labels Billing,
 * Urgent, VIP, Refund and archived Legacy; Globex labels Billing, Shipping. Acme odd n → Sales
 * (ali, carl; maya), even n → Support (bea, carl; sam). n = 3 and 9 are unassigned Sales
 * conversations labelled VIP, n = 5 is carl's (ali does not see it), n = 1 is ali's, labelled Billing.
 */

const CREATE = `mutation($name: String!, $color: String!) { createLabel(name: $name, color: $color) { id name color archived } }`;
const RENAME = `mutation($id: ID!, $name: String!) { renameLabel(id: $id, name: $name) { id name color archived } }`;
const ARCHIVE = `mutation($id: ID!) { archiveLabel(id: $id) { id name color archived } }`;
const APPLY = `mutation($conversationId: ID!, $labelId: ID!) {
  applyLabel(conversationId: $conversationId, labelId: $labelId) { id version labels { name } }
}`;
const REMOVE = `mutation($conversationId: ID!, $labelId: ID!) {
  removeLabel(conversationId: $conversationId, labelId: $labelId) { id version labels { name } }
}`;
const LABELS = `query($all: Boolean!) { labels(includeArchived: $all) { name archived } }`;

interface LabelView { id: string; name: string; color: string; archived: boolean }
interface ConversationView { id: string; version: number; labels: { name: string }[] }

describe("labels", () => {
  let app: TestApp;
  let acme: string;
  let globex: string;
  let sales: string;
  let rows: DemoConversation[];
  const user = (email: string): string => app.seed.users[email];
  const conv = (n: number): string => byNumber(rows, n).id;
  const acmeLabel = (name: string): Promise<string> => labelId(app, acme, name);

  beforeAll(async () => {
    app = await startTestApp();
    acme = app.seed.organizations.acme;
    globex = app.seed.organizations.globex;
    sales = app.seed.teams["acme/Sales"];
    rows = await loadConversations(app, acme);
  });
  afterAll(async () => { await app.close(); });

  /** Everything a label mutation could touch: labels, labels on conversations, versions, notes, audit. */
  async function snapshot() {
    const m = app.db.manager;
    const labels = (await m.find(Label, { order: { id: "ASC" } })).map((l) => `${l.id}:${l.name}:${l.nameKey}:${l.color}:${l.archived}`).join(",");
    const applied = (await m.find(ConversationLabel, { order: { conversationId: "ASC", labelId: "ASC" } })).map((c) => `${c.conversationId}:${c.labelId}`).join(",");
    const versions = (await m.find(Conversation, { order: { id: "ASC" } })).map((c) => `${c.id}:${c.version}`).join(",");
    return { labels, applied, versions, notes: await m.count(Note), audit: await m.count(AuditEntry) };
  }

  const lastSeq = (): Promise<number> => lastAuditSeq(app, acme);

  const entriesAfter = (seq: number): Promise<AuditView[]> => auditEntriesAfter(app, acme, seq);

  /** Runs a mutation that must be refused and proves it wrote nothing but the expected audit entries. */
  async function expectRefused(call: () => Promise<GraphQLResponse>, field: string, code: string, audit: Partial<AuditView>[]): Promise<void> {
    const seq = await lastSeq();
    const before = await snapshot();
    const res = await call();
    expect(codes(res)).toEqual([code]);
    // The mutation field is non-null, so its error nulls the whole `data`.
    expect(res.body.data).toBeNull();
    expect(res.body.errors![0].path).toEqual([field]);
    expect(await snapshot()).toEqual({ ...before, audit: before.audit + audit.length });
    const entries = await entriesAfter(seq);
    expect(entries).toHaveLength(audit.length);
    entries.forEach((e, i) => expect(e).toMatchObject(audit[i]));
  }

  async function ok<T>(res: Promise<GraphQLResponse<T>>): Promise<T> {
    const r = await res;
    expect(r.body.errors).toBeUndefined();
    return r.body.data!;
  }

  const globexLabel = (name: string): Promise<string> => labelId(app, globex, name);

  describe("createLabel", () => {
    test("a MANAGER creates a label: name trimmed, color lower-cased, organization-wide audit entry (no team)", async () => {
      const seq = await lastSeq();
      const before = await snapshot();
      const { createLabel } = await ok(app.gql<{ createLabel: LabelView }>("maya@acme.test", CREATE, { name: "  Escalation ", color: "#12AB3c" }));
      expect(createLabel).toEqual({ id: expect.any(String), name: "Escalation", color: "#12ab3c", archived: false });
      expect(await app.db.manager.findOneByOrFail(Label, { id: createLabel.id })).toMatchObject({ organizationId: acme, nameKey: "escalation" });
      const after = await snapshot();
      expect({ ...after, labels: "" }).toEqual({ ...before, labels: "", audit: before.audit + 1 });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "label.create", outcome: "SUCCESS", actorType: "USER", actorId: user("maya@acme.test"), actorRole: "MANAGER",
        teamId: null, targetType: "Label", targetId: createLabel.id, before: null, after: { name: "Escalation", color: "#12ab3c", archived: false },
      }]);
      const listed = await ok(app.gql<{ labels: { name: string }[] }>("ali@acme.test", LABELS, { all: false }));
      expect(listed.labels.map((l) => l.name)).toContain("Escalation");
    });

    test("ADMIN may create; a name only Globex uses is free in Acme (uniqueness is per organization)", async () => {
      const { createLabel } = await ok(app.gql<{ createLabel: LabelView }>("admin@acme.test", CREATE, { name: "Shipping", color: "#22c55e" }));
      expect(createLabel).toMatchObject({ name: "Shipping", archived: false });
      const [entry] = await entriesAfter((await lastSeq()) - 1);
      expect(entry).toMatchObject({ action: "label.create", outcome: "SUCCESS", actorRole: "ADMIN", teamId: null, targetId: createLabel.id });
    });

    test("an AGENT or an API client: FORBIDDEN at the shield, recorded, nothing created", async () => {
      await expectRefused(() => app.gql("ali@acme.test", CREATE, { name: "Mine", color: "#000000" }), "createLabel", "FORBIDDEN",
        [{ action: "label.create", outcome: "DENIED", actorId: user("ali@acme.test"), actorRole: "AGENT", teamId: null, targetType: "Label", targetId: null }]);
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales", "Support"] });
      await expectRefused(() => app.gqlWithAuth(key, CREATE, { name: "Mine", color: "#000000" }), "createLabel", "FORBIDDEN",
        [{ action: "label.create", outcome: "DENIED", actorType: "API_KEY", actorId: apiKeyIdOf(key), actorRole: null, teamId: null }]);
    });

    test("bad names and colors are BAD_USER_INPUT and write nothing", async () => {
      const cases: [string, string][] = [
        ["", "#000000"], ["   ", "#000000"], ["x".repeat(65), "#000000"], [` ${"é".repeat(65)} `, "#000000"],
        ["billing", "#000000"], ["  BILLING ", "#000000"], ["legacy", "#000000"],
        ["Fine", "red"], ["Fine", "#12345"], ["Fine", "#1234567"], ["Fine", "12345g"], ["Fine", "#12345g"],
      ];
      for (const [name, color] of cases) {
        await expectRefused(() => app.gql("admin@acme.test", CREATE, { name, color }), "createLabel", "BAD_USER_INPUT", []);
      }
      const { createLabel } = await ok(app.gql<{ createLabel: LabelView }>("admin@acme.test", CREATE, { name: "L".repeat(64), color: "#abcdef" }));
      expect(createLabel.name).toBe("L".repeat(64));
    });

    test("concurrent creates of one name: exactly one wins, the others are BAD_USER_INPUT", async () => {
      const seq = await lastSeq();
      const emails = ["admin@acme.test", "maya@acme.test", "sam@acme.test", "admin@acme.test", "maya@acme.test", "sam@acme.test"];
      const results = await Promise.all(emails.map((e, i) => app.gql(e, CREATE, { name: i % 2 ? "race" : "Race", color: "#101010" })));
      expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
      expect(results.filter((r) => r.body.errors).map((r) => codes(r))).toEqual(Array(emails.length - 1).fill(["BAD_USER_INPUT"]));
      expect(await app.db.manager.count(Label, { where: { organizationId: acme, nameKey: "race" } })).toBe(1);
      expect((await entriesAfter(seq)).map((e) => `${e.action}/${e.outcome}`)).toEqual(["label.create/SUCCESS"]);
    });
  });

  describe("renameLabel", () => {
    test("a MANAGER renames: one audit entry with the old and new name, no team", async () => {
      const id = await acmeLabel("Refund");
      const seq = await lastSeq();
      const { renameLabel } = await ok(app.gql<{ renameLabel: LabelView }>("sam@acme.test", RENAME, { id, name: " Refunds " }));
      expect(renameLabel).toEqual({ id, name: "Refunds", color: "#0ea5e9", archived: false });
      expect(await app.db.manager.findOneByOrFail(Label, { id })).toMatchObject({ name: "Refunds", nameKey: "refunds" });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "label.rename", outcome: "SUCCESS", actorType: "USER", actorId: user("sam@acme.test"), actorRole: "MANAGER",
        teamId: null, targetType: "Label", targetId: id, before: { name: "Refund" }, after: { name: "Refunds" },
      }]);
    });

    test("a label may change the case of its own name", async () => {
      const id = await acmeLabel("Refunds");
      const { renameLabel } = await ok(app.gql<{ renameLabel: LabelView }>("admin@acme.test", RENAME, { id, name: "REFUNDS" }));
      expect(renameLabel.name).toBe("REFUNDS");
      const [entry] = await entriesAfter((await lastSeq()) - 1);
      expect(entry).toMatchObject({ action: "label.rename", actorRole: "ADMIN", before: { name: "Refunds" }, after: { name: "REFUNDS" } });
    });

    test("the name it already has: CONFLICT, recorded as a conflict, nothing changed", async () => {
      const id = await acmeLabel("Urgent");
      await expectRefused(() => app.gql("maya@acme.test", RENAME, { id, name: " Urgent " }), "renameLabel", "CONFLICT",
        [{ action: "label.rename", outcome: "CONFLICT", actorRole: "MANAGER", teamId: null, targetType: "Label", targetId: id }]);
    });

    test("another label's name in any case, an empty or 65-character name: BAD_USER_INPUT, nothing written", async () => {
      const id = await acmeLabel("Urgent");
      for (const name of ["vip", "BILLING", "Legacy", "", "  ", "n".repeat(65)]) {
        await expectRefused(() => app.gql("admin@acme.test", RENAME, { id, name }), "renameLabel", "BAD_USER_INPUT", []);
      }
    });

    test("an AGENT: FORBIDDEN at the shield, recorded", async () => {
      const id = await acmeLabel("Urgent");
      await expectRefused(() => app.gql("carl@acme.test", RENAME, { id, name: "Hot" }), "renameLabel", "FORBIDDEN",
        [{ action: "label.rename", outcome: "DENIED", actorRole: "AGENT", teamId: null, targetType: "Label", targetId: id }]);
    });

    test("a Globex label, a missing or malformed id: NOT_FOUND, nothing written", async () => {
      for (const id of [await globexLabel("Shipping"), "00000000-0000-4000-8000-000000000000", "nope"]) {
        await expectRefused(() => app.gql("admin@acme.test", RENAME, { id, name: "Taken over" }), "renameLabel", "NOT_FOUND", []);
      }
      expect(await app.db.manager.findOneByOrFail(Label, { id: await globexLabel("Shipping") })).toMatchObject({ name: "Shipping" });
    });
  });

  describe("archiveLabel", () => {
    test("ADMIN archives: hidden from the default list, audited; archiving again is a CONFLICT", async () => {
      const { createLabel } = await ok(app.gql<{ createLabel: LabelView }>("admin@acme.test", CREATE, { name: "Seasonal", color: "#ffcc00" }));
      const seq = await lastSeq();
      const { archiveLabel } = await ok(app.gql<{ archiveLabel: LabelView }>("admin@acme.test", ARCHIVE, { id: createLabel.id }));
      expect(archiveLabel).toEqual({ id: createLabel.id, name: "Seasonal", color: "#ffcc00", archived: true });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "label.archive", outcome: "SUCCESS", actorType: "USER", actorId: user("admin@acme.test"), actorRole: "ADMIN",
        teamId: null, targetType: "Label", targetId: createLabel.id, before: { archived: false }, after: { archived: true },
      }]);
      const active = await ok(app.gql<{ labels: { name: string }[] }>("ali@acme.test", LABELS, { all: false }));
      expect(active.labels.map((l) => l.name)).not.toContain("Seasonal");
      const all = await ok(app.gql<{ labels: { name: string; archived: boolean }[] }>("ali@acme.test", LABELS, { all: true }));
      expect(all.labels).toContainEqual({ name: "Seasonal", archived: true });

      await expectRefused(() => app.gql("maya@acme.test", ARCHIVE, { id: createLabel.id }), "archiveLabel", "CONFLICT",
        [{ action: "label.archive", outcome: "CONFLICT", actorRole: "MANAGER", teamId: null, targetType: "Label", targetId: createLabel.id }]);
      // An archived label still holds its name.
      await expectRefused(() => app.gql("admin@acme.test", CREATE, { name: "SEASONAL", color: "#000000" }), "createLabel", "BAD_USER_INPUT", []);
    });

    test("an AGENT: FORBIDDEN, recorded; a Globex label: NOT_FOUND, nothing written", async () => {
      const id = await acmeLabel("VIP");
      await expectRefused(() => app.gql("bea@acme.test", ARCHIVE, { id }), "archiveLabel", "FORBIDDEN",
        [{ action: "label.archive", outcome: "DENIED", actorRole: "AGENT", teamId: null, targetId: id }]);
      await expectRefused(async () => app.gql("admin@acme.test", ARCHIVE, { id: await globexLabel("Billing") }), "archiveLabel", "NOT_FOUND", []);
    });
  });

  describe("applyLabel", () => {
    test("an agent who sees the conversation: label applied, version bumped, one audit entry against the team, a LABELS_CHANGED event", async () => {
      const c = byNumber(rows, 3);
      const [vip, urgent] = [await acmeLabel("VIP"), await acmeLabel("Urgent")];
      expect(c.labelIds).toEqual([vip]);
      const events = app.gateway.services.events.subscribe(teamTopic(sales))[Symbol.asyncIterator]();
      const nextEvent = events.next();
      const seq = await lastSeq();
      const before = await snapshot();
      const { applyLabel } = await ok(app.gql<{ applyLabel: ConversationView }>("ali@acme.test", APPLY, { conversationId: c.id, labelId: urgent }));
      expect(applyLabel).toEqual({ id: c.id, version: c.version + 1, labels: [{ name: "Urgent" }, { name: "VIP" }] });
      const event = (await nextEvent).value as QueueEvent;
      await events.return?.();
      expect(event).toEqual({
        id: expect.any(String), type: "LABELS_CHANGED", organizationId: acme, teamId: sales, conversationId: c.id, assigneeId: null, previousAssigneeId: null,
        at: SEED_NOW.toISOString(),
      });
      const after = await snapshot();
      expect({ ...after, applied: "", versions: "" }).toEqual({ ...before, applied: "", versions: "", audit: before.audit + 1 });
      expect(await app.db.manager.findOneByOrFail(ConversationLabel, { conversationId: c.id, labelId: urgent }))
        .toMatchObject({ organizationId: acme, appliedById: user("ali@acme.test"), appliedAt: SEED_NOW });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "conversation.applyLabel", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT",
        teamId: sales, targetType: "Conversation", targetId: c.id,
        before: { labelIds: [vip], version: c.version }, after: { labelIds: [vip, urgent].sort(), version: c.version + 1 },
      }]);
    });

    test("a label already applied: CONFLICT, recorded as a conflict against the team, nothing changed", async () => {
      await expectRefused(() => acmeLabel("VIP").then((labelId) => app.gql("carl@acme.test", APPLY, { conversationId: conv(3), labelId })),
        "applyLabel", "CONFLICT", [{ action: "conversation.applyLabel", outcome: "CONFLICT", actorRole: "AGENT", teamId: sales, targetId: conv(3) }]);
    });

    test("an archived label: BAD_USER_INPUT; a Globex label or conversation, a missing id: NOT_FOUND; nothing written", async () => {
      await expectRefused(async () => app.gql("ali@acme.test", APPLY, { conversationId: conv(3), labelId: await acmeLabel("Legacy") }),
        "applyLabel", "BAD_USER_INPUT", []);
      await expectRefused(async () => app.gql("admin@acme.test", APPLY, { conversationId: conv(3), labelId: await globexLabel("Shipping") }),
        "applyLabel", "NOT_FOUND", []);
      await expectRefused(async () => app.gql("admin@acme.test", APPLY, { conversationId: conv(3), labelId: "00000000-0000-4000-8000-000000000000" }),
        "applyLabel", "NOT_FOUND", []);
      const globexConversation = (await app.db.manager.findOneByOrFail(Conversation, { organizationId: globex })).id;
      await expectRefused(async () => app.gql("admin@acme.test", APPLY, { conversationId: globexConversation, labelId: await acmeLabel("Urgent") }),
        "applyLabel", "NOT_FOUND", []);
      await expectRefused(async () => app.gql("admin@acme.test", APPLY, { conversationId: globexConversation, labelId: await globexLabel("Shipping") }),
        "applyLabel", "NOT_FOUND", []);
    });

    test("a conversation the agent does not see: NOT_FOUND, recorded as DENIED against its team", async () => {
      expect(byNumber(rows, 5).assigneeId).toBe(user("carl@acme.test"));
      await expectRefused(async () => app.gql("ali@acme.test", APPLY, { conversationId: conv(5), labelId: await acmeLabel("VIP") }),
        "applyLabel", "NOT_FOUND", [{ action: "conversation.applyLabel", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetId: conv(5) }]);
      await expectRefused(async () => app.gql("bea@acme.test", APPLY, { conversationId: conv(3), labelId: await acmeLabel("Billing") }),
        "applyLabel", "NOT_FOUND", [{ action: "conversation.applyLabel", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetId: conv(3) }]);
    });

    test("an API client, even with every scope: FORBIDDEN at the shield, recorded", async () => {
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales"] });
      await expectRefused(async () => app.gqlWithAuth(key, APPLY, { conversationId: conv(3), labelId: await acmeLabel("Billing") }),
        "applyLabel", "FORBIDDEN", [{ action: "conversation.applyLabel", outcome: "DENIED", actorType: "API_KEY", teamId: null, targetId: conv(3) }]);
    });

    test("concurrent applies of one label: exactly one wins, the others are CONFLICT", async () => {
      const c = byNumber(rows, 9);
      const billing = await acmeLabel("Billing");
      expect(c.labelIds).not.toContain(billing);
      const seq = await lastSeq();
      const emails = ["ali@acme.test", "carl@acme.test", "maya@acme.test", "admin@acme.test", "ali@acme.test", "carl@acme.test"];
      const results = await Promise.all(emails.map((e) => app.gql(e, APPLY, { conversationId: c.id, labelId: billing })));
      expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
      expect(results.filter((r) => r.body.errors).map((r) => codes(r))).toEqual(Array(emails.length - 1).fill(["CONFLICT"]));
      expect(await app.db.manager.count(ConversationLabel, { where: { conversationId: c.id, labelId: billing } })).toBe(1);
      expect((await app.db.manager.findOneByOrFail(Conversation, { id: c.id })).version).toBe(c.version + 1);
      const outcomes = (await entriesAfter(seq)).map((e) => e.outcome).sort();
      expect(outcomes).toEqual(["SUCCESS", ...Array(emails.length - 1).fill("CONFLICT")].sort());
    });
  });

  describe("removeLabel", () => {
    test("a user who sees the conversation removes a label: version bumped, one audit entry", async () => {
      const c = await app.db.manager.findOneByOrFail(Conversation, { id: conv(1) });
      const billing = await acmeLabel("Billing");
      expect(byNumber(rows, 1).labelIds).toEqual([billing]);
      const seq = await lastSeq();
      const before = await snapshot();
      const { removeLabel } = await ok(app.gql<{ removeLabel: ConversationView }>("ali@acme.test", REMOVE, { conversationId: c.id, labelId: billing }));
      expect(removeLabel).toEqual({ id: c.id, version: c.version + 1, labels: [] });
      const after = await snapshot();
      expect({ ...after, applied: "", versions: "" }).toEqual({ ...before, applied: "", versions: "", audit: before.audit + 1 });
      expect(await app.db.manager.count(ConversationLabel, { where: { conversationId: c.id } })).toBe(0);
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "conversation.removeLabel", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT",
        teamId: sales, targetType: "Conversation", targetId: c.id,
        before: { labelIds: [billing], version: c.version }, after: { labelIds: [], version: c.version + 1 },
      }]);
    });

    test("a label that is not applied: CONFLICT, recorded as a conflict, nothing changed", async () => {
      await expectRefused(async () => app.gql("ali@acme.test", REMOVE, { conversationId: conv(1), labelId: await acmeLabel("Billing") }),
        "removeLabel", "CONFLICT", [{ action: "conversation.removeLabel", outcome: "CONFLICT", actorRole: "AGENT", teamId: sales, targetId: conv(1) }]);
    });

    test("a label archived after it was applied stays on the conversation and can still be removed", async () => {
      const { createLabel } = await ok(app.gql<{ createLabel: LabelView }>("maya@acme.test", CREATE, { name: "Campaign", color: "#0000ff" }));
      await ok(app.gql("ali@acme.test", APPLY, { conversationId: conv(7), labelId: createLabel.id }));
      await ok(app.gql("maya@acme.test", ARCHIVE, { id: createLabel.id }));
      const seen = await ok(app.gql<{ conversation: { labels: { name: string }[] } }>("ali@acme.test",
        `query($id: ID!) { conversation(id: $id) { labels { name } } }`, { id: conv(7) }));
      expect(seen.conversation.labels.map((l) => l.name)).toContain("Campaign");
      const { removeLabel } = await ok(app.gql<{ removeLabel: ConversationView }>("ali@acme.test", REMOVE, { conversationId: conv(7), labelId: createLabel.id }));
      expect(removeLabel.labels.map((l) => l.name)).not.toContain("Campaign");
    });

    test("invisible conversation: NOT_FOUND recorded; Globex label or conversation: NOT_FOUND, nothing written", async () => {
      const urgent = await acmeLabel("Urgent");
      expect(byNumber(rows, 5).labelIds).toEqual([await acmeLabel("Urgent")]);
      await expectRefused(async () => app.gql("ali@acme.test", REMOVE, { conversationId: conv(5), labelId: await acmeLabel("Urgent") }),
        "removeLabel", "NOT_FOUND", [{ action: "conversation.removeLabel", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetId: conv(5) }]);
      await expectRefused(async () => app.gql("admin@acme.test", REMOVE, { conversationId: conv(7), labelId: await globexLabel("Billing") }),
        "removeLabel", "NOT_FOUND", []);
      const globexConversation = (await app.db.manager.findOneByOrFail(Conversation, { organizationId: globex })).id;
      await expectRefused(async () => app.gql("admin@acme.test", REMOVE, { conversationId: globexConversation, labelId: urgent }),
        "removeLabel", "NOT_FOUND", []);
    });

    test("an API client: FORBIDDEN at the shield, recorded", async () => {
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales"] });
      await expectRefused(async () => app.gqlWithAuth(key, REMOVE, { conversationId: conv(3), labelId: await acmeLabel("VIP") }),
        "removeLabel", "FORBIDDEN", [{ action: "conversation.removeLabel", outcome: "DENIED", actorType: "API_KEY", teamId: null, targetId: conv(3) }]);
    });
  });
});
