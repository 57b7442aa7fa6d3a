import { AuditEntry } from "../src/entities/AuditEntry";
import { ApiScope, Role } from "../src/entities/enums";
import { Template } from "../src/entities/Template";
import { TemplateEvent } from "../src/entities/TemplateEvent";
import { User } from "../src/entities/User";
import { createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";
import { addAdmin, auditAfter, lastSeq } from "./helpers/whatsapp";

/*
 * POLICY.md, Mutations: createTemplate … archiveTemplate; issue 4 (templates). Demo facts used
 * (src/seed/demoData.ts): Acme has one ADMIN (admin@acme.test, "Ada Admin"), managers maya (Sales)
 * and sam (Support), agents ali (Sales), bea (Support), carl (both). Templates: order_update APPROVED
 * for every team, payment_reminder DRAFT by maya, welcome_offer PENDING_APPROVAL by sam.
 */

const FIELDS = `id name language category body placeholders status rejectionReason teams { name }
  createdBy { name } lastEditedBy { name } approvedBy { name } history { fromStatus toStatus reason actor { name } }`;
const CREATE = `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateTemplateInput!) { updateTemplate(id: $id, input: $input) { ${FIELDS} } }`;
const SUBMIT = `mutation($id: ID!) { submitTemplate(id: $id) { id status } }`;
const APPROVE = `mutation($id: ID!) { approveTemplate(id: $id) { id status approvedBy { name } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectTemplate(id: $id, reason: $reason) { id status rejectionReason } }`;
const ARCHIVE = `mutation($id: ID!) { archiveTemplate(id: $id) { id status } }`;
const LIST = `{ templates { name status } }`;

const SHIELD_DENIAL = { reason: "role or scope does not allow this mutation" };
const FOUR_EYES = { reason: "Four eyes: an admin who is neither the template's author nor its last editor must review it" };

describe("templates", () => {
  let app: TestApp;
  let acme: string;
  let sales: string;
  let support: string;
  let apiKey: string;
  const user = (email: string): string => app.seed.users[email];
  /** Moves the clock one second on, so lifecycle events have distinct times. */
  const tick = (): void => { app.clock.now = new Date(app.clock.now.getTime() + 1000); };

  /** Calls as a demo user (by email) or with an `ApiKey …` header. */
  const as = (who: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    tick();
    return who.startsWith("ApiKey ") ? app.gqlWithAuth(who, query, variables) : app.gql(who, query, variables);
  };

  const templateId = async (name: string): Promise<string> => (await app.db.manager.findOneByOrFail(Template, { organizationId: acme, name })).id;

  /** Creates a template as `author` and returns its id. */
  async function draft(author: string, name: string, body = "Hi {{1}}, thanks for waiting.", teamIds: string[] = []): Promise<string> {
    const res = await as(author, `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`,
      { input: { name, language: "en", category: "UTILITY", body, teamIds } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.createTemplate.id;
  }

  beforeAll(async () => {
    app = await startTestApp();
    acme = app.seed.organizations.acme;
    sales = app.seed.teams["acme/Sales"];
    support = app.seed.teams["acme/Support"];
    await addAdmin(app, "ops@acme.test");
    await addAdmin(app, "audit@acme.test");
    apiKey = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales", "Support"] });
  });
  afterAll(async () => {
    app.clock.now = SEED_NOW;
    await app.close();
  });

  describe("the lifecycle, each step audited once and kept in the history", () => {
    let id: string;

    it("a manager creates a DRAFT; placeholders are parsed from the body", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("maya@acme.test", CREATE, {
        input: { name: "delivery_delay", language: "en_US", category: "UTILITY", body: "Hi {{1}}, your parcel {{2}} is delayed.", teamIds: [sales] },
      });
      expect(res.body.errors).toBeUndefined();
      id = res.body.data!.createTemplate.id;
      expect(res.body.data!.createTemplate).toEqual({
        id, name: "delivery_delay", language: "en_US", category: "UTILITY", body: "Hi {{1}}, your parcel {{2}} is delayed.",
        placeholders: ["1", "2"], status: "DRAFT", rejectionReason: null, teams: [{ name: "Sales" }], createdBy: { name: "Maya Manager" },
        lastEditedBy: { name: "Maya Manager" }, approvedBy: null,
        history: [{ fromStatus: null, toStatus: "DRAFT", reason: null, actor: { name: "Maya Manager" } }],
      });
      expect(await auditAfter(app, acme, seq)).toEqual([{
        action: "template.create", outcome: "SUCCESS", actorType: "USER", actorId: user("maya@acme.test"), actorRole: "MANAGER", teamId: null,
        targetType: "Template", targetId: id, before: null,
        after: {
          name: "delivery_delay", language: "en_US", category: "UTILITY", body: "Hi {{1}}, your parcel {{2}} is delayed.", placeholders: ["1", "2"],
          teamIds: [sales], status: "DRAFT", rejectionReason: null, lastEditedById: user("maya@acme.test"), approvedById: null,
        },
      }]);
    });

    it("agents do not see it while it is not approved", async () => {
      const res = await as("ali@acme.test", LIST);
      expect(res.body.data!.templates.map((t: { name: string }) => t.name)).not.toContain("delivery_delay");
    });

    it("another manager edits it and becomes its last editor", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("sam@acme.test", UPDATE, { id, input: { body: "Hi {{1}}, parcel {{2}} is {{3}} days late." } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.updateTemplate).toMatchObject({
        body: "Hi {{1}}, parcel {{2}} is {{3}} days late.", placeholders: ["1", "2", "3"], status: "DRAFT",
        createdBy: { name: "Maya Manager" }, lastEditedBy: { name: "Sam Manager" },
      });
      const entries = await auditAfter(app, acme, seq);
      expect(entries.map((e) => [e.action, e.outcome, e.actorId])).toEqual([["template.update", "SUCCESS", user("sam@acme.test")]]);
      expect(entries[0].before).toMatchObject({ body: "Hi {{1}}, your parcel {{2}} is delayed.", placeholders: ["1", "2"] });
      expect(entries[0].after).toMatchObject({ body: "Hi {{1}}, parcel {{2}} is {{3}} days late.", placeholders: ["1", "2", "3"], lastEditedById: user("sam@acme.test") });
    });

    it("its author submits it: DRAFT → PENDING_APPROVAL", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("maya@acme.test", SUBMIT, { id });
      expect(res.body).toEqual({ data: { submitTemplate: { id, status: "PENDING_APPROVAL" } } });
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.before, e.after])).toEqual([
        ["template.submit", "SUCCESS", { status: "DRAFT", rejectionReason: null }, { status: "PENDING_APPROVAL", rejectionReason: null }],
      ]);
    });

    it("an admin who neither wrote nor edited it approves it", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("admin@acme.test", APPROVE, { id });
      expect(res.body).toEqual({ data: { approveTemplate: { id, status: "APPROVED", approvedBy: { name: "Ada Admin" } } } });
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.actorRole, e.before, e.after])).toEqual([
        ["template.approve", "SUCCESS", "ADMIN", { status: "PENDING_APPROVAL", approvedById: null }, { status: "APPROVED", approvedById: user("admin@acme.test") }],
      ]);
    });

    it("now agents of the teams it names see it, others do not", async () => {
      const ali = await as("ali@acme.test", LIST);
      const bea = await as("bea@acme.test", LIST);
      expect(ali.body.data!.templates).toContainEqual({ name: "delivery_delay", status: "APPROVED" });
      expect(bea.body.data!.templates.map((t: { name: string }) => t.name)).not.toContain("delivery_delay");
    });

    it("an approved template cannot be edited (CONFLICT, audited)", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("sam@acme.test", UPDATE, { id, input: { body: "Changed after approval {{1}}" } });
      expect(codes(res)).toEqual(["CONFLICT"]);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.targetId])).toEqual([["template.update", "CONFLICT", id]]);
      expect((await app.db.manager.findOneByOrFail(Template, { id })).body).toBe("Hi {{1}}, parcel {{2}} is {{3}} days late.");
    });

    it("an admin archives it once; archiving again is a CONFLICT", async () => {
      const seq = await lastSeq(app, acme);
      expect((await as("admin@acme.test", ARCHIVE, { id })).body).toEqual({ data: { archiveTemplate: { id, status: "ARCHIVED" } } });
      expect(codes(await as("admin@acme.test", ARCHIVE, { id }))).toEqual(["CONFLICT"]);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome])).toEqual([["template.archive", "SUCCESS"], ["template.archive", "CONFLICT"]]);
    });

    it("the history lists every transition with its actor, in order", async () => {
      const res = await as("maya@acme.test", `query { templates(status: ARCHIVED) { id history { fromStatus toStatus reason actor { name } } } }`);
      expect(res.body.data!.templates.find((t: { id: string }) => t.id === id).history).toEqual([
        { fromStatus: null, toStatus: "DRAFT", reason: null, actor: { name: "Maya Manager" } },
        { fromStatus: "DRAFT", toStatus: "PENDING_APPROVAL", reason: null, actor: { name: "Maya Manager" } },
        { fromStatus: "PENDING_APPROVAL", toStatus: "APPROVED", reason: null, actor: { name: "Ada Admin" } },
        { fromStatus: "APPROVED", toStatus: "ARCHIVED", reason: null, actor: { name: "Ada Admin" } },
      ]);
    });
  });

  describe("rejection and resubmission", () => {
    it("a rejection needs a reason; the author edits and resubmits, which clears the reason", async () => {
      const id = await draft("maya@acme.test", "refund_ready", "Hi {{1}}, your refund is ready.");
      await as("maya@acme.test", SUBMIT, { id });
      const before = await app.db.manager.count(AuditEntry);
      expect(codes(await as("admin@acme.test", REJECT, { id, reason: "   " }))).toEqual(["BAD_USER_INPUT"]);
      expect(await app.db.manager.count(AuditEntry)).toBe(before);

      const rejected = await as("admin@acme.test", REJECT, { id, reason: "Say which order" });
      expect(rejected.body).toEqual({ data: { rejectTemplate: { id, status: "REJECTED", rejectionReason: "Say which order" } } });
      const edited = await as("maya@acme.test", UPDATE, { id, input: { body: "Hi {{1}}, the refund for order {{2}} is ready." } });
      expect(edited.body.data!.updateTemplate).toMatchObject({ status: "REJECTED", rejectionReason: "Say which order", placeholders: ["1", "2"] });
      expect((await as("maya@acme.test", SUBMIT, { id })).body.data!.submitTemplate.status).toBe("PENDING_APPROVAL");
      const row = await app.db.manager.findOneByOrFail(Template, { id });
      expect({ status: row.status, rejectionReason: row.rejectionReason }).toEqual({ status: "PENDING_APPROVAL", rejectionReason: null });
      const history = await app.db.manager.find(TemplateEvent, { where: { templateId: id }, order: { createdAt: "ASC", id: "ASC" } });
      expect(history.map((e) => [e.fromStatus, e.toStatus, e.reason])).toEqual([
        [null, "DRAFT", null], ["DRAFT", "PENDING_APPROVAL", null], ["PENDING_APPROVAL", "REJECTED", "Say which order"], ["REJECTED", "PENDING_APPROVAL", null],
      ]);
    });

    it("only DRAFT and REJECTED templates can be submitted (CONFLICT otherwise)", async () => {
      const pending = await templateId("welcome_offer");
      expect(codes(await as("sam@acme.test", SUBMIT, { id: pending }))).toEqual(["CONFLICT"]);
      expect(codes(await as("maya@acme.test", SUBMIT, { id: await templateId("order_update") }))).toEqual(["CONFLICT"]);
    });

    it("only PENDING_APPROVAL templates can be approved or rejected (CONFLICT otherwise)", async () => {
      const drafted = await templateId("payment_reminder");
      expect(codes(await as("ops@acme.test", APPROVE, { id: drafted }))).toEqual(["CONFLICT"]);
      expect(codes(await as("ops@acme.test", REJECT, { id: drafted, reason: "No" }))).toEqual(["CONFLICT"]);
      expect((await app.db.manager.findOneByOrFail(Template, { id: drafted })).status).toBe("DRAFT");
    });
  });

  describe.each([
    { mutation: "approveTemplate", action: "template.approve", query: APPROVE, vars: (id: string) => ({ id }), done: "APPROVED" },
    { mutation: "rejectTemplate", action: "template.reject", query: REJECT, vars: (id: string) => ({ id, reason: "Too long" }), done: "REJECTED" },
  ])("four eyes on $mutation, for every principal", ({ mutation, action, query, vars, done }) => {
    let id: string;
    beforeAll(async () => {
      // Written by Ada (admin), last edited by ops (admin): only a third admin may decide.
      id = await draft("admin@acme.test", `four_eyes_${mutation.toLowerCase()}`);
      expect((await as("ops@acme.test", UPDATE, { id, input: { body: "Hello {{1}}, checked by ops." } })).body.errors).toBeUndefined();
      expect((await as("admin@acme.test", SUBMIT, { id })).body.errors).toBeUndefined();
    });

    it.each([
      { who: "an agent", caller: () => "ali@acme.test", role: "AGENT", actorType: "USER", after: SHIELD_DENIAL },
      { who: "a manager", caller: () => "maya@acme.test", role: "MANAGER", actorType: "USER", after: SHIELD_DENIAL },
      { who: "an API key with every scope", caller: () => apiKey, role: null, actorType: "API_KEY", after: SHIELD_DENIAL },
      { who: "the admin who wrote it", caller: () => "admin@acme.test", role: "ADMIN", actorType: "USER", after: FOUR_EYES },
      { who: "the admin who last edited it", caller: () => "ops@acme.test", role: "ADMIN", actorType: "USER", after: FOUR_EYES },
    ])("$who: FORBIDDEN, one DENIED entry, nothing changes", async ({ caller, role, actorType, after }) => {
      const seq = await lastSeq(app, acme);
      const res = await as(caller(), query, vars(id));
      expect(res.body.data).toBeNull();
      expect(codes(res)).toEqual(["FORBIDDEN"]);
      const entries = await auditAfter(app, acme, seq);
      expect(entries.map((e) => ({ action: e.action, outcome: e.outcome, actorRole: e.actorRole, actorType: e.actorType, targetId: e.targetId, after: e.after })))
        .toEqual([{ action, outcome: "DENIED", actorRole: role, actorType, targetId: id, after }]);
      expect((await app.db.manager.findOneByOrFail(Template, { id })).status).toBe("PENDING_APPROVAL");
    });

    it("another admin: allowed, one SUCCESS entry", async () => {
      const seq = await lastSeq(app, acme);
      const res = await as("audit@acme.test", query, vars(id));
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data![mutation].status).toBe(done);
      const entries = await auditAfter(app, acme, seq);
      expect(entries.map((e) => [e.action, e.outcome, e.actorId])).toEqual([[action, "SUCCESS", user("audit@acme.test")]]);
    });
  });

  describe("who may create, edit, submit and archive", () => {
    it("create: MANAGER and ADMIN; an agent or API key is FORBIDDEN (one DENIED entry each)", async () => {
      const input = (name: string) => ({ input: { name, language: "en", category: "MARKETING", body: "Sale!", teamIds: [] } });
      const seq = await lastSeq(app, acme);
      for (const who of ["ali@acme.test", apiKey]) expect(codes(await as(who, CREATE, input("not_allowed")))).toEqual(["FORBIDDEN"]);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.actorType])).toEqual([
        ["template.create", "DENIED", "USER"], ["template.create", "DENIED", "API_KEY"],
      ]);
      expect(await app.db.manager.countBy(Template, { name: "not_allowed" })).toBe(0);
      expect((await as("admin@acme.test", CREATE, input("admin_made"))).body.data!.createTemplate.status).toBe("DRAFT");
    });

    it("update: an agent or API key is FORBIDDEN", async () => {
      const id = await templateId("payment_reminder");
      for (const who of ["ali@acme.test", apiKey]) expect(codes(await as(who, UPDATE, { id, input: { body: "x {{1}}" } }))).toEqual(["FORBIDDEN"]);
      expect((await app.db.manager.findOneByOrFail(Template, { id })).body).toBe("Hi {{1}}, a payment of {{2}} is due.");
    });

    it("submit: another manager may; an agent who is not the author gets NOT_FOUND for a draft, FORBIDDEN for an approved one; an API key FORBIDDEN", async () => {
      const mayas = await draft("maya@acme.test", "sam_submits");
      const seq = await lastSeq(app, acme);
      expect(codes(await as("ali@acme.test", SUBMIT, { id: mayas }))).toEqual(["NOT_FOUND"]);
      expect(codes(await as(apiKey, SUBMIT, { id: mayas }))).toEqual(["FORBIDDEN"]);
      expect(codes(await as("ali@acme.test", SUBMIT, { id: await templateId("order_update") }))).toEqual(["FORBIDDEN"]);
      expect((await as("sam@acme.test", SUBMIT, { id: mayas })).body.data!.submitTemplate.status).toBe("PENDING_APPROVAL");
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.actorRole])).toEqual([
        ["template.submit", "DENIED", "AGENT"], ["template.submit", "DENIED", null], ["template.submit", "DENIED", "AGENT"],
        ["template.submit", "SUCCESS", "MANAGER"],
      ]);
    });

    it("submit: the author may even after being demoted to AGENT", async () => {
      const id = await draft("sam@acme.test", "demoted_author");
      await app.db.manager.update(User, { id: user("sam@acme.test") }, { role: Role.AGENT });
      try {
        expect((await as("sam@acme.test", SUBMIT, { id })).body).toEqual({ data: { submitTemplate: { id, status: "PENDING_APPROVAL" } } });
      } finally {
        await app.db.manager.update(User, { id: user("sam@acme.test") }, { role: Role.MANAGER });
      }
    });

    it("archive: ADMIN only", async () => {
      const id = await templateId("payment_reminder");
      for (const who of ["maya@acme.test", "ali@acme.test", apiKey]) expect(codes(await as(who, ARCHIVE, { id }))).toEqual(["FORBIDDEN"]);
      expect((await app.db.manager.findOneByOrFail(Template, { id })).status).toBe("DRAFT");
    });

    it("a foreign or missing template id is NOT_FOUND", async () => {
      const globexTemplate = (await app.db.manager.findOneByOrFail(Template, { organizationId: app.seed.organizations.globex })).id;
      for (const id of [globexTemplate, "00000000-0000-4000-8000-000000000000", "nope"]) {
        expect(codes(await as("admin@acme.test", ARCHIVE, { id }))).toEqual(["NOT_FOUND"]);
        expect(codes(await as("maya@acme.test", UPDATE, { id, input: { body: "x" } }))).toEqual(["NOT_FOUND"]);
      }
    });
  });

  describe("placeholders, parsed from the body", () => {
    let n = 0;
    const create = (body: string) => as("maya@acme.test", CREATE, { input: { name: `parse_${++n}`, language: "en", category: "UTILITY", body, teamIds: [] } });

    it.each([
      ["Hi {{1}}, your order {{2}} has shipped.", ["1", "2"]],
      ["{{2}} comes before {{1}} here", ["1", "2"]],
      ["Hi {{1}}, again {{1}}", ["1"]],
      ["Hello {{customer_name}}, enjoy {{discount}} off, {{customer_name}}!", ["customer_name", "discount"]],
      ["No placeholders at all.", []],
    ])("%j → %j", async (body, placeholders) => {
      const res = await create(body);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.createTemplate.placeholders).toEqual(placeholders);
    });

    it.each([
      ["a gap", "Hi {{1}}, see {{3}}"],
      ["not starting at 1", "Hi {{2}}"],
      ["mixed styles", "Hi {{1}}, use {{code}}"],
      ["an unclosed placeholder", "Hi {{1}"],
      ["spaces inside", "Hi {{ 1 }}"],
      ["empty braces", "Hi {{}}"],
      ["upper case name", "Hi {{Name}}"],
      ["zero", "Hi {{0}}"],
      ["a leading zero", "Hi {{01}}"],
      ["triple braces", "Hi {{{1}}}"],
      ["single braces", "Hi {1}"],
      ["a stray closing brace", "Hi }} {{1}}"],
    ])("%s is BAD_USER_INPUT and writes nothing", async (_what, body) => {
      const templates = await app.db.manager.count(Template);
      const entries = await app.db.manager.count(AuditEntry);
      const res = await create(body);
      expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
      expect(res.body.data).toBeNull();
      expect([await app.db.manager.count(Template), await app.db.manager.count(AuditEntry)]).toEqual([templates, entries]);
    });

    it("an edit is parsed the same way", async () => {
      const id = await draft("maya@acme.test", "edit_parse");
      expect(codes(await as("maya@acme.test", UPDATE, { id, input: { body: "{{1}} and {{name}}" } }))).toEqual(["BAD_USER_INPUT"]);
      expect((await as("maya@acme.test", UPDATE, { id, input: { body: "{{first}} {{second}}" } })).body.data!.updateTemplate.placeholders)
        .toEqual(["first", "second"]);
    });
  });

  describe("input checks", () => {
    it.each([
      ["a name with capitals or spaces", { name: "Order Update" }],
      ["an unknown language code", { language: "english" }],
      ["an empty body", { body: "   " }],
      ["a body over 1024 characters", { body: "x".repeat(1025) }],
      ["a team of another organization", { teamIds: ["GLOBEX"] }],
      ["a malformed team id", { teamIds: ["sales"] }],
      ["a name already used in that language", { name: "order_update" }],
    ])("%s is BAD_USER_INPUT", async (_what, override) => {
      const input = { name: "checked_input", language: "en", category: "UTILITY", body: "Hello", teamIds: [sales], ...override };
      if (input.teamIds[0] === "GLOBEX") input.teamIds = [app.seed.teams["globex/Support"]];
      expect(codes(await as("maya@acme.test", CREATE, { input }))).toEqual(["BAD_USER_INPUT"]);
      expect(await app.db.manager.countBy(Template, { name: "checked_input" })).toBe(0);
    });

    it("the same name in another language is a different template; teams are deduplicated", async () => {
      const res = await as("maya@acme.test", CREATE, {
        input: { name: "order_update", language: "pt_BR", category: "UTILITY", body: "Olá {{1}}", teamIds: [support, sales, support] },
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.createTemplate.teams.map((t: { name: string }) => t.name).sort()).toEqual(["Sales", "Support"]);
      const row = await app.db.manager.findOneByOrFail(Template, { id: res.body.data!.createTemplate.id });
      expect(row.teamIds).toEqual([sales, support].sort());
    });

    it("an update without any field is BAD_USER_INPUT", async () => {
      expect(codes(await as("maya@acme.test", UPDATE, { id: await templateId("payment_reminder"), input: {} }))).toEqual(["BAD_USER_INPUT"]);
    });
  });
});
