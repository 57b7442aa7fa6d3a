import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { ApiScope } from "../src/entities/enums";
import { Message } from "../src/entities/Message";
import { OutboxEntry } from "../src/entities/OutboxEntry";
import { Template } from "../src/entities/Template";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";
import { auditAfter, lastSeq } from "./helpers/whatsapp";

/*
 * POLICY.md, Mutations: sendMessage, sendTemplate; issue 4 (sending). Demo facts used
 * (src/seed/demoData.ts): Acme odd n → Sales (agents ali, carl; manager maya), even n → Support
 * (bea, carl; sam). Conversations 1–20 are inside the 24-hour window, 21–40 outside. ali is
 * assigned 1, 7, 21, 27; carl 5; maya 13; bea 2. Contact n's WhatsApp id is 4477009001nn.
 * Templates: order_update APPROVED "Hi {{1}}, your order {{2}} has shipped." for every team,
 * support_followup APPROVED for Support only, payment_reminder DRAFT (Sales), old_promo PAUSED.
 */

const SEND = `mutation($c: ID!, $text: String!) { sendMessage(conversationId: $c, text: $text) { id direction body status failureReason sender { name } } }`;
const SEND_TEMPLATE = `mutation($c: ID!, $t: ID!, $v: [TemplateVariableInput!]!) {
  sendTemplate(conversationId: $c, templateId: $t, variables: $v) { id direction body status failureReason sender { name } }
}`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WINDOW_MESSAGE = "The 24-hour customer service window is closed: the customer last wrote more than 24 hours ago. An approved template can still be sent (sendTemplate).";
const vars = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));

describe("sending to the customer", () => {
  let app: TestApp;
  let acme: string;
  let sales: string;
  let support: string;
  let rows: DemoConversation[];
  let apiKey: string;
  const user = (email: string): string => app.seed.users[email];
  const conv = (n: number): string => byNumber(rows, n).id;
  const template = async (name: string): Promise<string> => (await app.db.manager.findOneByOrFail(Template, { organizationId: acme, name })).id;
  const as = (who: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> =>
    (who.startsWith("ApiKey ") ? app.gqlWithAuth(who, query, variables) : app.gql(who, query, variables));

  /** Everything a refused send must leave untouched. */
  const counts = async () => ({
    messages: await app.db.manager.count(Message), outbox: await app.db.manager.count(OutboxEntry),
    versions: (await app.db.manager.find(Conversation, { order: { id: "ASC" } })).map((c) => c.version).join(","),
  });

  beforeAll(async () => {
    app = await startTestApp();
    acme = app.seed.organizations.acme;
    sales = app.seed.teams["acme/Sales"];
    support = app.seed.teams["acme/Support"];
    rows = await loadConversations(app, acme);
    apiKey = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales", "Support"] });
  });
  afterEach(() => { app.clock.now = SEED_NOW; });
  afterAll(async () => { await app.close(); });

  describe("sendMessage (free text)", () => {
    it("the assignee, inside the window: stored outbound QUEUED with its outbox entry and exactly one audit entry", async () => {
      const before = await app.db.manager.findOneByOrFail(Conversation, { id: conv(7) });
      const seq = await lastSeq(app, acme);
      const res = await as("ali@acme.test", SEND, { c: conv(7), text: "Your order left the warehouse this morning." });
      expect(res.body.errors).toBeUndefined();
      const sent = res.body.data!.sendMessage;
      expect(sent).toEqual({
        id: sent.id, direction: "OUTBOUND", body: "Your order left the warehouse this morning.", status: "QUEUED", failureReason: null,
        sender: { name: "Ali Agent" },
      });
      const row = await app.db.manager.findOneByOrFail(Message, { id: sent.id });
      expect({ conversationId: row.conversationId, templateId: row.templateId, senderId: row.senderId, externalId: row.externalId, createdAt: row.createdAt })
        .toEqual({ conversationId: conv(7), templateId: null, senderId: user("ali@acme.test"), externalId: null, createdAt: SEED_NOW });
      const outbox = await app.db.manager.findOneByOrFail(OutboxEntry, { messageId: sent.id });
      expect({ content: outbox.content, attempts: outbox.attempts, nextAttemptAt: outbox.nextAttemptAt, lastError: outbox.lastError }).toEqual({
        content: { kind: "text", to: "447700900107", conversationId: conv(7), body: "Your order left the warehouse this morning." },
        attempts: 0, nextAttemptAt: SEED_NOW, lastError: null,
      });
      const after = await app.db.manager.findOneByOrFail(Conversation, { id: conv(7) });
      expect({ waitingSince: after.waitingSince, version: after.version }).toEqual({ waitingSince: null, version: before.version + 1 });
      expect(await auditAfter(app, acme, seq)).toEqual([{
        action: "message.send", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT", teamId: sales,
        targetType: "Conversation", targetId: conv(7), before: null,
        after: { messageId: sent.id, direction: "OUTBOUND", status: "QUEUED", body: "Your order left the warehouse this morning." },
      }]);
      const thread = await as("ali@acme.test", `query($id: ID!) { conversation(id: $id) { messages(last: 1) { id status direction } } }`, { id: conv(7) });
      expect(thread.body.data!.conversation.messages).toEqual([{ id: sent.id, status: "QUEUED", direction: "OUTBOUND" }]);
    });

    it("at 23:59 after the last inbound message it is allowed; at 24:01 it is WINDOW_CLOSED with a hint, recorded as DENIED", async () => {
      const lastInbound = byNumber(rows, 1).lastInboundAt!;
      app.clock.now = new Date(lastInbound.getTime() + 23 * HOUR + 59 * MINUTE);
      const open = await as("ali@acme.test", SEND, { c: conv(1), text: "Still here to help." });
      expect(open.body.errors).toBeUndefined();
      expect(open.body.data!.sendMessage.status).toBe("QUEUED");

      app.clock.now = new Date(lastInbound.getTime() + 24 * HOUR + MINUTE);
      const before = await counts();
      const seq = await lastSeq(app, acme);
      const closed = await as("ali@acme.test", SEND, { c: conv(1), text: "Anyone there?" });
      expect(closed.body.data).toBeNull();
      expect(closed.body.errors).toEqual([expect.objectContaining({ message: WINDOW_MESSAGE, extensions: { code: "WINDOW_CLOSED" } })]);
      expect(await counts()).toEqual(before);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.teamId, e.targetId, e.after])).toEqual([
        ["message.send", "DENIED", sales, conv(1), { reason: WINDOW_MESSAGE }],
      ]);
    });

    it("a conversation whose customer last wrote more than a day ago (21) is WINDOW_CLOSED", async () => {
      expect(codes(await as("ali@acme.test", SEND, { c: conv(21), text: "Hello again" }))).toEqual(["WINDOW_CLOSED"]);
    });

    it.each([
      { who: "the team's manager (sees it, not the assignee)", caller: "maya@acme.test", code: "FORBIDDEN", role: "MANAGER" },
      { who: "an admin", caller: "admin@acme.test", code: "FORBIDDEN", role: "ADMIN" },
      { who: "another agent of the team who does not see it", caller: "carl@acme.test", code: "NOT_FOUND", role: "AGENT" },
      { who: "an agent of another team", caller: "bea@acme.test", code: "NOT_FOUND", role: "AGENT" },
      { who: "an API key with every scope", caller: "API_KEY", code: "FORBIDDEN", role: null },
    ])("$who: $code, one DENIED entry, nothing written", async ({ caller, code, role }) => {
      const before = await counts();
      const seq = await lastSeq(app, acme);
      const res = await as(caller === "API_KEY" ? apiKey : caller, SEND, { c: conv(1), text: "Let me take over" });
      expect(res.body.data).toBeNull();
      expect(codes(res)).toEqual([code]);
      expect(await counts()).toEqual(before);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.actorRole, e.targetId])).toEqual([["message.send", "DENIED", role, conv(1)]]);
    });

    it.each([["empty", "   "], ["too long", "x".repeat(4097)]])("%s text is BAD_USER_INPUT", async (_what, text) => {
      const before = await counts();
      const entries = await app.db.manager.count(AuditEntry);
      expect(codes(await as("ali@acme.test", SEND, { c: conv(1), text }))).toEqual(["BAD_USER_INPUT"]);
      expect([await counts(), await app.db.manager.count(AuditEntry)]).toEqual([before, entries]);
    });

    it("another organization's conversation is NOT_FOUND", async () => {
      const globex = (await loadConversations(app, app.seed.organizations.globex))[0].id;
      expect(codes(await as("ali@acme.test", SEND, { c: globex, text: "Hi" }))).toEqual(["NOT_FOUND"]);
    });
  });

  describe("sendTemplate", () => {
    it("the assignee sends an APPROVED template outside the window; the variables fill it in order", async () => {
      const id = await template("order_update");
      const seq = await lastSeq(app, acme);
      const res = await as("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: id, v: vars(["2", "A-1001"], ["1", "Ana"]) });
      expect(res.body.errors).toBeUndefined();
      const sent = res.body.data!.sendTemplate;
      expect(sent).toEqual({
        id: sent.id, direction: "OUTBOUND", body: "Hi Ana, your order A-1001 has shipped.", status: "QUEUED", failureReason: null, sender: { name: "Ali Agent" },
      });
      expect((await app.db.manager.findOneByOrFail(Message, { id: sent.id })).templateId).toBe(id);
      expect((await app.db.manager.findOneByOrFail(OutboxEntry, { messageId: sent.id })).content).toEqual({
        kind: "template", to: "447700900121", conversationId: conv(21), templateId: id, name: "order_update", language: "en",
        parameters: [{ name: null, value: "Ana" }, { name: null, value: "A-1001" }],
      });
      expect(await auditAfter(app, acme, seq)).toEqual([{
        action: "message.sendTemplate", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT", teamId: sales,
        targetType: "Conversation", targetId: conv(21), before: null,
        after: {
          messageId: sent.id, direction: "OUTBOUND", status: "QUEUED", templateId: id, templateName: "order_update",
          variables: [{ name: "1", value: "Ana" }, { name: "2", value: "A-1001" }], body: "Hi Ana, your order A-1001 has shipped.",
        },
      }]);
    });

    it.each([
      ["a missing variable", vars(["1", "Ana"])],
      ["an unknown variable", vars(["1", "Ana"], ["2", "A-1"], ["3", "extra"])],
      ["a named variable for a positional template", vars(["name", "Ana"], ["2", "A-1"])],
      ["a repeated variable", vars(["1", "Ana"], ["1", "Bo"], ["2", "A-1"])],
      ["no variables at all", []],
      ["an empty value", vars(["1", " "], ["2", "A-1"])],
      ["a new line in a value", vars(["1", "Ana\nSmith"], ["2", "A-1"])],
      ["five spaces in a row", vars(["1", "Ana     Smith"], ["2", "A-1"])],
    ])("%s is BAD_USER_INPUT and writes nothing", async (_what, v) => {
      const before = await counts();
      const entries = await app.db.manager.count(AuditEntry);
      expect(codes(await as("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: await template("order_update"), v }))).toEqual(["BAD_USER_INPUT"]);
      expect([await counts(), await app.db.manager.count(AuditEntry)]).toEqual([before, entries]);
    });

    it("a PAUSED template is refused: invisible to an agent (NOT_FOUND), CONFLICT for a manager who sees it; both audited", async () => {
      const id = await template("old_promo");
      const before = await counts();
      const seq = await lastSeq(app, acme);
      expect(codes(await as("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: id, v: [] }))).toEqual(["NOT_FOUND"]);
      expect(codes(await as("maya@acme.test", SEND_TEMPLATE, { c: conv(13), t: id, v: [] }))).toEqual(["CONFLICT"]);
      expect(await counts()).toEqual(before);
      expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.outcome, e.actorRole])).toEqual([
        ["message.sendTemplate", "DENIED", "AGENT"], ["message.sendTemplate", "CONFLICT", "MANAGER"],
      ]);
    });

    it("a DRAFT template is refused (CONFLICT)", async () => {
      expect(codes(await as("maya@acme.test", SEND_TEMPLATE, { c: conv(13), t: await template("payment_reminder"), v: vars(["1", "A"], ["2", "B"]) })))
        .toEqual(["CONFLICT"]);
    });

    it("a template restricted to Support: FORBIDDEN on a Sales conversation for those who see it, NOT_FOUND for an agent who does not; allowed on Support", async () => {
      const id = await template("support_followup");
      const v = vars(["1", "Sam"]);
      expect(codes(await as("carl@acme.test", SEND_TEMPLATE, { c: conv(5), t: id, v }))).toEqual(["FORBIDDEN"]);
      expect(codes(await as("maya@acme.test", SEND_TEMPLATE, { c: conv(13), t: id, v }))).toEqual(["FORBIDDEN"]);
      expect(codes(await as("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: id, v }))).toEqual(["NOT_FOUND"]);
      const ok = await as("bea@acme.test", SEND_TEMPLATE, { c: conv(2), t: id, v });
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data!.sendTemplate.body).toBe("Hi Sam, is your issue resolved?");
      const entry = (await app.db.manager.find(AuditEntry, { where: { organizationId: acme }, order: { seq: "DESC" }, take: 1 }))[0];
      expect([entry.action, entry.outcome, entry.teamId]).toEqual(["message.sendTemplate", "SUCCESS", support]);
    });

    it("a named template takes its variables by name and sends parameter names", async () => {
      const created = await as("maya@acme.test", `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`,
        { input: { name: "welcome_code", language: "en_US", category: "MARKETING", body: "Hello {{customer_name}}, use code {{code}}.", teamIds: [] } });
      const id = created.body.data!.createTemplate.id;
      await as("maya@acme.test", `mutation($id: ID!) { submitTemplate(id: $id) { id } }`, { id });
      expect((await as("admin@acme.test", `mutation($id: ID!) { approveTemplate(id: $id) { status } }`, { id })).body.data!.approveTemplate.status).toBe("APPROVED");

      expect(codes(await as("ali@acme.test", SEND_TEMPLATE, { c: conv(1), t: id, v: vars(["1", "Ana"], ["2", "SAVE10"]) }))).toEqual(["BAD_USER_INPUT"]);
      const res = await as("ali@acme.test", SEND_TEMPLATE, { c: conv(1), t: id, v: vars(["code", "SAVE10"], ["customer_name", "Ana"]) });
      expect(res.body.data!.sendTemplate.body).toBe("Hello Ana, use code SAVE10.");
      expect((await app.db.manager.findOneByOrFail(OutboxEntry, { messageId: res.body.data!.sendTemplate.id })).content).toMatchObject({
        kind: "template", name: "welcome_code", language: "en_US",
        parameters: [{ name: "customer_name", value: "Ana" }, { name: "code", value: "SAVE10" }],
      });
    });

    it("only the assignee: the manager of the team and an API key are FORBIDDEN", async () => {
      const id = await template("order_update");
      const v = vars(["1", "Ana"], ["2", "A-1"]);
      expect(codes(await as("maya@acme.test", SEND_TEMPLATE, { c: conv(1), t: id, v }))).toEqual(["FORBIDDEN"]);
      expect(codes(await as(apiKey, SEND_TEMPLATE, { c: conv(1), t: id, v }))).toEqual(["FORBIDDEN"]);
    });

    it("a missing or foreign template is NOT_FOUND", async () => {
      const globexTemplate = (await app.db.manager.findOneByOrFail(Template, { organizationId: app.seed.organizations.globex })).id;
      for (const t of [globexTemplate, "00000000-0000-4000-8000-000000000000"]) {
        expect(codes(await as("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t, v: [] }))).toEqual(["NOT_FOUND"]);
      }
    });
  });
});
