import express from "express";
import request from "supertest";
import { Assignment } from "../src/entities/Assignment";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Contact } from "../src/entities/Contact";
import { Conversation } from "../src/entities/Conversation";
import { Message } from "../src/entities/Message";
import { OutboxEntry } from "../src/entities/OutboxEntry";
import { TeamMember } from "../src/entities/TeamMember";
import { Template } from "../src/entities/Template";
import { TemplateEvent } from "../src/entities/TemplateEvent";
import { createLogger } from "../src/logger";
import { whatsappWebhook } from "../src/webhooks/whatsappWebhook";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { codes, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";
import {
  auditAfter, envelope, inbound, lastSeq, listen, postWebhook, sign, statuses, templateUpdate, WA, whatsappSettings,
} from "./helpers/whatsapp";

/*
 * Issue 4 (the webhook). Routing in these tests: WA.salesNumber → acme/Sales, WA.globexNumber →
 * globex/Support, anything else → the default team acme/Support. Demo facts used: Acme customer n
 * has WhatsApp id 4477009001nn; conversation 3 is an unassigned OPEN Sales one, 15 ali's PENDING,
 * 19 carl's RESOLVED (Sales), 20 carl's RESOLVED (Support), 21 ali's OPEN outside the window.
 */

const SECOND = 1000;
const wa = (n: number): string => `4477009001${String(n).padStart(2, "0")}`;

describe("the WhatsApp webhook", () => {
  let app: TestApp;
  let acme: string;
  let globex: string;
  let sales: string;
  let support: string;
  let rows: DemoConversation[];
  let seq = 0;
  /** A fresh WhatsApp message id. */
  const wamid = (): string => `wamid.test.${++seq}`;
  /** A time on a whole second (webhooks carry seconds), some minutes before the clock. */
  const ago = (ms: number): Date => new Date(Math.floor((app.clock.now.getTime() - ms) / SECOND) * SECOND);
  const conv = (n: number): string => byNumber(rows, n).id;

  /** Everything a webhook could write, to prove that a refused one wrote nothing. */
  async function snapshot() {
    const m = app.db.manager;
    return {
      messages: (await m.find(Message, { order: { id: "ASC" } })).map((x) => `${x.id}:${x.status}:${x.failureReason}`).join(","),
      contacts: await m.count(Contact), assignments: await m.count(Assignment), audit: await m.count(AuditEntry),
      conversations: (await m.find(Conversation, { order: { id: "ASC" } })).map((c) => `${c.id}:${c.version}:${c.status}:${c.assigneeId}`).join(","),
      templates: (await m.find(Template, { order: { id: "ASC" } })).map((t) => `${t.id}:${t.status}`).join(","),
      templateEvents: await m.count(TemplateEvent),
    };
  }

  beforeAll(async () => {
    app = await startTestApp({ config: { whatsapp: whatsappSettings() } });
    acme = app.seed.organizations.acme;
    globex = app.seed.organizations.globex;
    sales = app.seed.teams["acme/Sales"];
    support = app.seed.teams["acme/Support"];
    rows = await loadConversations(app, acme);
  });
  afterEach(() => { app.clock.now = SEED_NOW; });
  afterAll(async () => { await app.close(); });

  describe("the verification handshake (GET)", () => {
    const get = (query: Record<string, string>) => request(app.url).get("/webhooks/whatsapp").query(query);

    it("echoes hub.challenge with 200 when the verify token matches", async () => {
      const res = await get({ "hub.mode": "subscribe", "hub.verify_token": WA.verifyToken, "hub.challenge": "1158201444" });
      expect([res.status, res.text, res.headers["content-type"]]).toEqual([200, "1158201444", "text/plain; charset=utf-8"]);
    });

    it.each([
      ["a wrong token", { "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1" }],
      ["another mode", { "hub.mode": "unsubscribe", "hub.verify_token": WA.verifyToken, "hub.challenge": "1" }],
      ["no parameters", {}],
    ])("answers 403 to %s", async (_what, query) => {
      const res = await get(query);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain("1");
    });

    it("is refused when no verify token is configured", async () => {
      const bare = express().use("/hook", whatsappWebhook({ ...app.gateway.services, config: { ...app.config, whatsapp: whatsappSettings({ verifyToken: null }) }, logger: createLogger("silent") }));
      const res = await request(bare).get("/hook").query({ "hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1" });
      expect(res.status).toBe(403);
    });
  });

  describe("the signature, checked before anything else", () => {
    const body = () => JSON.stringify(inbound({ from: "491700000001", id: wamid(), at: ago(60 * SECOND), text: "Signed?" }));

    it.each([
      ["missing", (_raw: string) => null],
      ["made with another secret", (raw: string) => sign(raw, "not-the-app-secret")],
      ["of another algorithm", (raw: string) => `sha1=${sign(raw).slice(7, 47)}`],
      ["not hex", (_raw: string) => `sha256=${"z".repeat(64)}`],
      ["empty", (_raw: string) => ""],
    ])("%s: 401 and nothing written", async (_what, signature) => {
      const before = await snapshot();
      const raw = body();
      const res = await postWebhook(app, raw, signature(raw));
      expect(res.status).toBe(401);
      expect(await snapshot()).toEqual(before);
    });

    it("a body altered after signing: 401 and nothing written", async () => {
      const before = await snapshot();
      const raw = body();
      const res = await postWebhook(app, raw.replace("Signed?", "Signed!"), sign(raw));
      expect(res.status).toBe(401);
      expect(await snapshot()).toEqual(before);
    });

    it("a valid signature is accepted", async () => {
      const res = await postWebhook(app, body());
      expect(res).toEqual({ status: 200, body: { received: 1, duplicates: 0, statuses: 0, templates: 0 } });
    });

    it("without an app secret configured nothing is accepted (503, so WhatsApp retries once it is set)", async () => {
      const bare = express().use("/hook", whatsappWebhook({ ...app.gateway.services, config: { ...app.config, whatsapp: whatsappSettings({ appSecret: null }) }, logger: createLogger("silent") }));
      const before = await snapshot();
      const raw = body();
      const res = await request(bare).post("/hook").set("content-type", "application/json").set("x-hub-signature-256", sign(raw)).send(raw);
      expect(res.status).toBe(503);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe("malformed bodies: 400, nothing written", () => {
    const good = () => inbound({ from: "491700000002", id: wamid(), at: ago(SECOND) }).entry[0].changes[0];
    const messagesValue = (patch: (v: any) => void) => {
      const change = good();
      patch(change.value);
      return envelope([change]);
    };

    it.each([
      ["not JSON", "{\"object\": "],
      ["a JSON array", "[]"],
      ["no entry", { object: "whatsapp_business_account" }],
      ["changes that are not a list", { object: "whatsapp_business_account", entry: [{ id: "1", changes: {} }] }],
      ["a messages change without metadata", () => messagesValue((v) => { delete v.metadata; })],
      ["a message without a sender", () => messagesValue((v) => { delete v.messages[0].from; })],
      ["a text message without text", () => messagesValue((v) => { delete v.messages[0].text; })],
      ["a numeric timestamp", () => messagesValue((v) => { v.messages[0].timestamp = 1700000000; })],
      ["a status without an id", () => statuses([{ id: "", status: "read", at: ago(SECOND) }])],
      ["a template update without a name", () => envelope([{ field: "message_template_status_update", value: { event: "PAUSED", message_template_language: "en" } }])],
      ["a valid change followed by a malformed one", () => envelope([good(), { field: "messages", value: { messaging_product: "whatsapp" } }])],
    ])("%s", async (_what, make) => {
      const before = await snapshot();
      const body = typeof make === "function" ? make() : make;
      const res = await postWebhook(app, typeof body === "string" ? body : JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("malformed body");
      expect(await snapshot()).toEqual(before);
    });
  });

  describe("valid parts this gateway does not handle: 200, nothing written", () => {
    it.each([
      ["another object", () => ({ object: "page", entry: [] })],
      ["another field", () => envelope([{ field: "account_update", value: { phone_number: "15550001111", event: "VERIFIED_ACCOUNT" } }])],
      ["a system message", () => inbound({ from: wa(3), id: wamid(), at: ago(SECOND), message: { type: "system", system: { body: "changed number" } } })],
      ["an unknown status", () => statuses([{ id: "wamid.demo.acme.1", status: "deleted", at: ago(SECOND) }])],
      ["a status of a message this gateway did not send", () => statuses([{ id: "wamid.never.sent", status: "read", at: ago(SECOND) }])],
      ["a template event it does not act on", () => templateUpdate("order_update", "FLAGGED")],
      ["an unknown template", () => templateUpdate("no_such_template", "PAUSED")],
      ["WhatsApp's approval of a template no admin approved here", () => templateUpdate("welcome_offer", "APPROVED")],
    ])("%s", async (_what, make) => {
      const before = await snapshot();
      const res = await postWebhook(app, make());
      expect(res.status).toBe(200);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe("incoming messages", () => {
    it("a new customer: contact and conversation created in the routed team, the message appended, all audited as the system", async () => {
      const events = listen(app, [sales, support]);
      const at = ago(2 * 60 * SECOND);
      const id = wamid();
      const auditSeq = await lastSeq(app, acme);
      const res = await postWebhook(app, inbound({ from: "447911123456", name: "Nora New", id, at, text: "Is the shop open on Sunday?" }));
      expect(res).toEqual({ status: 200, body: { received: 1, duplicates: 0, statuses: 0, templates: 0 } });
      events.stop();

      const contact = await app.db.manager.findOneByOrFail(Contact, { organizationId: acme, whatsappId: "447911123456" });
      expect([contact.name, contact.phoneNumber]).toEqual(["Nora New", "+447911123456"]);
      const conversation = await app.db.manager.findOneByOrFail(Conversation, { contactId: contact.id });
      expect(conversation).toMatchObject({
        organizationId: acme, teamId: sales, status: "OPEN", assigneeId: null, version: 1, priority: "NORMAL", lastInboundAt: at, waitingSince: at,
      });
      const messages = await app.db.manager.find(Message, { where: { conversationId: conversation.id } });
      expect(messages.map((m) => ({ direction: m.direction, body: m.body, status: m.status, externalId: m.externalId, createdAt: m.createdAt, senderId: m.senderId })))
        .toEqual([{ direction: "INBOUND", body: "Is the shop open on Sunday?", status: "RECEIVED", externalId: id, createdAt: at, senderId: null }]);
      expect(await auditAfter(app, acme, auditSeq)).toEqual([
        {
          action: "conversation.open", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: sales,
          targetType: "Conversation", targetId: conversation.id, before: null,
          after: { teamId: sales, contactId: contact.id, contactCreated: true, status: "OPEN", phoneNumberId: WA.salesNumber },
        },
        {
          action: "message.receive", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: sales,
          targetType: "Message", targetId: messages[0].id, before: null,
          after: { conversationId: conversation.id, externalId: id, type: "text", direction: "INBOUND", status: "RECEIVED" },
        },
      ]);
      expect(events.events.map((e) => [e.type, e.teamId, e.conversationId, e.assigneeId])).toEqual([["CONVERSATION_CREATED", sales, conversation.id, null]]);

      // The same delivery again (WhatsApp retries): nothing changes, nothing is published.
      const before = await snapshot();
      const again = listen(app, [sales, support]);
      const redelivered = await postWebhook(app, inbound({ from: "447911123456", name: "Nora New", id, at, text: "Is the shop open on Sunday?" }));
      again.stop();
      expect(redelivered).toEqual({ status: 200, body: { received: 0, duplicates: 1, statuses: 0, templates: 0 } });
      expect(await snapshot()).toEqual(before);
      expect(again.events).toEqual([]);
    });

    it("the same new message delivered three times at once is stored once", async () => {
      const body = inbound({ from: "447911555000", name: "Rita Retry", id: wamid(), at: ago(SECOND), text: "Hello thrice" });
      const results = await Promise.all([1, 2, 3].map(() => postWebhook(app, body)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.map((r) => r.body.received).sort()).toEqual([0, 0, 1]);
      const contacts = await app.db.manager.find(Contact, { where: { organizationId: acme, whatsappId: "447911555000" } });
      expect(contacts).toHaveLength(1);
      const conversations = await app.db.manager.find(Conversation, { where: { contactId: contacts[0].id } });
      expect(conversations).toHaveLength(1);
      expect(await app.db.manager.count(Message, { where: { conversationId: conversations[0].id } })).toBe(1);
      expect(await app.db.manager.count(AuditEntry, { where: { targetId: conversations[0].id, action: "conversation.open" } })).toBe(1);
    });

    it("two messages of a new customer arriving at once open one conversation", async () => {
      const at = ago(SECOND);
      const results = await Promise.all(["Hi", "Anyone?"].map((text) => postWebhook(app, inbound({ from: "447911555111", id: wamid(), at, text }))));
      expect(results.map((r) => [r.status, r.body.received])).toEqual([[200, 1], [200, 1]]);
      const contacts = await app.db.manager.find(Contact, { where: { organizationId: acme, whatsappId: "447911555111" } });
      expect(contacts).toHaveLength(1);
      const conversations = await app.db.manager.find(Conversation, { where: { contactId: contacts[0].id } });
      expect(conversations).toHaveLength(1);
      expect((await app.db.manager.find(Message, { where: { conversationId: conversations[0].id } })).map((m) => m.body).sort()).toEqual(["Anyone?", "Hi"]);
    });

    it("a number without a route lands in the default team; the Globex number in Globex, with its own contact", async () => {
      await postWebhook(app, inbound({ phoneNumberId: WA.otherNumber, from: "447911000777", id: wamid(), at: ago(SECOND) }));
      await postWebhook(app, inbound({ phoneNumberId: WA.globexNumber, from: "447911000777", id: wamid(), at: ago(SECOND) }));
      const acmeContact = await app.db.manager.findOneByOrFail(Contact, { organizationId: acme, whatsappId: "447911000777" });
      const globexContact = await app.db.manager.findOneByOrFail(Contact, { organizationId: globex, whatsappId: "447911000777" });
      expect((await app.db.manager.findOneByOrFail(Conversation, { contactId: acmeContact.id })).teamId).toBe(support);
      expect((await app.db.manager.findOneByOrFail(Conversation, { contactId: globexContact.id })).teamId).toBe(app.seed.teams["globex/Support"]);
    });

    it("a message for an open conversation is appended to it (no new conversation), MESSAGE_RECEIVED", async () => {
      const before = await app.db.manager.findOneByOrFail(Conversation, { id: conv(3) });
      const conversations = await app.db.manager.count(Conversation);
      const events = listen(app, [sales]);
      const at = ago(SECOND);
      const seqBefore = await lastSeq(app, acme);
      await postWebhook(app, inbound({ from: wa(3), id: wamid(), at, text: "Any news?" }));
      events.stop();
      const after = await app.db.manager.findOneByOrFail(Conversation, { id: conv(3) });
      expect(await app.db.manager.count(Conversation)).toBe(conversations);
      expect(after).toMatchObject({ status: "OPEN", assigneeId: null, lastInboundAt: at, waitingSince: before.waitingSince, version: before.version + 1 });
      expect((await auditAfter(app, acme, seqBefore)).map((e) => e.action)).toEqual(["message.receive"]);
      expect(events.events.map((e) => [e.type, e.conversationId])).toEqual([["MESSAGE_RECEIVED", conv(3)]]);
    });

    it("a customer outside the window writes again: the window is open for free text once more", async () => {
      const SEND = `mutation($c: ID!) { sendMessage(conversationId: $c, text: "Thanks for writing back!") { status } }`;
      expect(codes(await app.gql("ali@acme.test", SEND, { c: conv(21) }))).toEqual(["WINDOW_CLOSED"]);
      await postWebhook(app, inbound({ from: wa(21), id: wamid(), at: ago(SECOND), text: "Hello?" }));
      const window = await app.gql("ali@acme.test", `query($id: ID!) { conversation(id: $id) { insideServiceWindow } }`, { id: conv(21) });
      expect(window.body.data!.conversation.insideServiceWindow).toBe(true);
      expect((await app.gql("ali@acme.test", SEND, { c: conv(21) })).body).toEqual({ data: { sendMessage: { status: "QUEUED" } } });
    });

    it("a PENDING conversation goes back to OPEN with its assignee", async () => {
      const events = listen(app, [sales]);
      const seqBefore = await lastSeq(app, acme);
      await postWebhook(app, inbound({ from: wa(15), id: wamid(), at: ago(SECOND) }));
      events.stop();
      expect(await app.db.manager.findOneByOrFail(Conversation, { id: conv(15) })).toMatchObject({ status: "OPEN", assigneeId: app.seed.users["ali@acme.test"] });
      const entries = await auditAfter(app, acme, seqBefore);
      expect(entries.map((e) => [e.action, e.before?.status ?? null, e.after.status])).toEqual([
        ["conversation.reopen", "PENDING", "OPEN"], ["message.receive", null, "RECEIVED"],
      ]);
      expect(events.events.map((e) => e.type)).toEqual(["STATUS_CHANGED", "MESSAGE_RECEIVED"]);
    });

    it("a RESOLVED conversation is reopened with its assignee while they are still in the team", async () => {
      const carl = app.seed.users["carl@acme.test"];
      const events = listen(app, [sales]);
      const seqBefore = await lastSeq(app, acme);
      const id = wamid();
      const at = ago(SECOND);
      await postWebhook(app, inbound({ from: wa(19), id, at, text: "It broke again" }));
      events.stop();
      expect(await app.db.manager.findOneByOrFail(Conversation, { id: conv(19) }))
        .toMatchObject({ status: "OPEN", assigneeId: carl, teamId: sales, lastInboundAt: at, waitingSince: at });
      const entries = await auditAfter(app, acme, seqBefore);
      expect(entries[0]).toEqual({
        action: "conversation.reopen", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: sales,
        targetType: "Conversation", targetId: conv(19), before: { status: "RESOLVED", assigneeId: carl }, after: { status: "OPEN", assigneeId: carl, messageId: id },
      });
      expect(entries.map((e) => e.action)).toEqual(["conversation.reopen", "message.receive"]);
      expect(events.events.map((e) => [e.type, e.assigneeId, e.previousAssigneeId])).toEqual([["STATUS_CHANGED", carl, carl], ["MESSAGE_RECEIVED", carl, carl]]);
    });

    it("a RESOLVED conversation whose assignee left the team is reopened in the team queue", async () => {
      const carl = app.seed.users["carl@acme.test"];
      await app.db.manager.delete(TeamMember, { teamId: support, userId: carl });
      try {
        await postWebhook(app, inbound({ phoneNumberId: WA.otherNumber, from: wa(20), id: wamid(), at: ago(SECOND) }));
        expect(await app.db.manager.findOneByOrFail(Conversation, { id: conv(20) })).toMatchObject({ status: "OPEN", assigneeId: null, teamId: support });
        const history = await app.db.manager.find(Assignment, { where: { conversationId: conv(20) }, order: { createdAt: "DESC" }, take: 1 });
        expect(history.map((h) => [h.action, h.fromAssigneeId, h.toAssigneeId, h.assignedById])).toEqual([["UNASSIGN", carl, null, null]]);
      } finally {
        await app.db.manager.insert(TeamMember, { teamId: support, userId: carl, organizationId: acme, joinedAt: new Date() });
      }
    });

    it("media is shown by kind and caption; a timestamp in the future is taken as now", async () => {
      const id = wamid();
      await postWebhook(app, inbound({
        from: wa(9), id, at: new Date(app.clock.now.getTime() + 3600 * SECOND), message: { type: "image", image: { id: "m1", mime_type: "image/jpeg", caption: "Receipt attached" } },
      }));
      const message = await app.db.manager.findOneByOrFail(Message, { externalId: id });
      expect([message.body, message.createdAt]).toEqual(["[image] Receipt attached", app.clock.now]);
    });
  });

  describe("delivery statuses of outbound messages", () => {
    let read: Message;
    let failed: Message;

    beforeAll(async () => {
      const SEND = `mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }`;
      const first = await app.gql("ali@acme.test", SEND, { c: conv(7), t: "First" });
      const second = await app.gql("ali@acme.test", SEND, { c: conv(7), t: "Second" });
      // Unconfigured, the outbox goes through the log transport: SENT under a `log.` id.
      expect(app.gateway.outbox.transport.name).toBe("log");
      await app.gateway.outbox.drain();
      read = await app.db.manager.findOneByOrFail(Message, { id: first.body.data!.sendMessage.id });
      failed = await app.db.manager.findOneByOrFail(Message, { id: second.body.data!.sendMessage.id });
    });

    it("the log transport marked them SENT with a log id and left the outbox empty", async () => {
      expect([read.status, failed.status]).toEqual(["SENT", "SENT"]);
      expect(read.externalId).toMatch(/^log\.[0-9a-f-]{36}$/);
      expect(await app.db.manager.count(OutboxEntry)).toBe(0);
    });

    it("read arrives without delivered: READ; a late delivered and a repeated read change nothing", async () => {
      const seqBefore = await lastSeq(app, acme);
      const res = await postWebhook(app, statuses([{ id: read.externalId!, status: "read", at: ago(SECOND), recipient: wa(7) }]));
      expect(res.body).toEqual({ received: 0, duplicates: 0, statuses: 1, templates: 0 });
      expect((await app.db.manager.findOneByOrFail(Message, { id: read.id })).status).toBe("READ");
      expect(await auditAfter(app, acme, seqBefore)).toEqual([{
        action: "message.status", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: sales, targetType: "Message",
        targetId: read.id, before: { status: "SENT", failureReason: null }, after: { status: "READ", failureReason: null, externalId: read.externalId },
      }]);
      const before = await snapshot();
      await postWebhook(app, statuses([{ id: read.externalId!, status: "delivered", at: ago(SECOND) }, { id: read.externalId!, status: "read", at: ago(SECOND) }]));
      expect(await snapshot()).toEqual(before);
    });

    it("failed: FAILED with WhatsApp's reason, readable on the message", async () => {
      await postWebhook(app, statuses([{
        id: failed.externalId!, status: "failed", at: ago(SECOND),
        errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message",
          error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }],
      }]));
      // Both were written at the same (test) instant: compared by id, not by position.
      const res = await app.gql("ali@acme.test", `query($id: ID!) { conversation(id: $id) { messages(last: 20) { id status failureReason } } }`, { id: conv(7) });
      const mine = res.body.data!.conversation.messages.filter((m: { id: string }) => m.id === read.id || m.id === failed.id);
      expect(mine.sort((a: { id: string }, b: { id: string }) => (a.id === read.id ? -1 : b.id === read.id ? 1 : 0))).toEqual([
        { id: read.id, status: "READ", failureReason: null },
        { id: failed.id, status: "FAILED", failureReason: "131047 Re-engagement message (Message failed to send because more than 24 hours have passed since the customer last replied to this number.)" },
      ]);
    });
  });

  describe("template status updates from WhatsApp", () => {
    const SEND_TEMPLATE = `mutation($c: ID!, $t: ID!) {
      sendTemplate(conversationId: $c, templateId: $t, variables: [{ name: "1", value: "Ana" }, { name: "2", value: "A-7" }]) { status }
    }`;
    const row = (name: string) => app.db.manager.findOneByOrFail(Template, { organizationId: acme, name });

    it("PAUSED takes effect at once: the template can no longer be sent; a redelivery changes nothing", async () => {
      const t = await row("order_update");
      const seqBefore = await lastSeq(app, acme);
      const res = await postWebhook(app, templateUpdate("order_update", "PAUSED", "NONE"));
      expect(res.body).toEqual({ received: 0, duplicates: 0, statuses: 0, templates: 1 });
      expect((await row("order_update")).status).toBe("PAUSED");
      const history = await app.db.manager.find(TemplateEvent, { where: { templateId: t.id }, order: { createdAt: "DESC" }, take: 1 });
      expect(history.map((e) => [e.fromStatus, e.toStatus, e.actorId, e.reason])).toEqual([["APPROVED", "PAUSED", null, "WhatsApp paused the template"]]);
      expect(await auditAfter(app, acme, seqBefore)).toEqual([{
        action: "template.whatsappStatus", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: null,
        targetType: "Template", targetId: t.id, before: { status: "APPROVED", rejectionReason: null },
        after: { status: "PAUSED", rejectionReason: null, event: "PAUSED" },
      }]);
      expect(codes(await app.gql("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: t.id }))).toEqual(["NOT_FOUND"]);
      expect(codes(await app.gql("maya@acme.test", SEND_TEMPLATE, { c: conv(13), t: t.id }))).toEqual(["CONFLICT"]);

      const before = await snapshot();
      expect((await postWebhook(app, templateUpdate("order_update", "PAUSED", "NONE"))).status).toBe(200);
      expect(await snapshot()).toEqual(before);
    });

    it("APPROVED again (the pause lifted) makes it sendable again, since an admin approved this content", async () => {
      await postWebhook(app, templateUpdate("order_update", "APPROVED"));
      expect((await row("order_update")).status).toBe("APPROVED");
      expect((await app.gql("ali@acme.test", SEND_TEMPLATE, { c: conv(21), t: (await row("order_update")).id })).body).toEqual({ data: { sendTemplate: { status: "QUEUED" } } });
    });

    it("REJECTED keeps WhatsApp's reason; DISABLED applies too (an account not listed belongs to the default team's organization)", async () => {
      await postWebhook(app, templateUpdate("support_followup", "REJECTED", "INVALID_FORMAT"));
      expect(await row("support_followup")).toMatchObject({ status: "REJECTED", rejectionReason: "WhatsApp rejected the template: INVALID_FORMAT" });
      await postWebhook(app, templateUpdate("winback", "DISABLED", null, "en", "299999999999"));
      expect((await row("winback")).status).toBe("DISABLED");
    });
  });
});
