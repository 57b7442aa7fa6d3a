import { AuditEntry } from "../src/entities/AuditEntry";
import { Message } from "../src/entities/Message";
import { OutboxEntry } from "../src/entities/OutboxEntry";
import { Template } from "../src/entities/Template";
import { TemplateStatus } from "../src/entities/enums";
import { createLogger } from "../src/logger";
import { createOutboxWorker } from "../src/messaging/outboxWorker";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";
import { auditAfter, FakeCloudApi, lastSeq, postWebhook, statuses, whatsappSettings } from "./helpers/whatsapp";

/*
 * Issue 4 (the outbox): queued messages reach the Cloud API through the real HTTP transport,
 * pointed at a fake Cloud API on 127.0.0.1 that records what it receives. The gateway's worker
 * does not poll here (interval 0); the tests call drain() and move the injectable clock, so
 * retries and backoff are checked without sleeping. Demo facts: ali is assigned Acme 1, 7, 21;
 * conversation 7 is inside the window, 21 outside; contact n's WhatsApp id is 4477009001nn.
 */

const PHONE_NUMBER_ID = "106540352242922";
const TOKEN = "EAAG-test-token-7c1";
const RETRY_BASE_MS = 1000;
const wa = (n: number): string => `4477009001${String(n).padStart(2, "0")}`;

describe("the outbox worker and the Cloud API transport", () => {
  const fake = new FakeCloudApi();
  let base: string;
  let app: TestApp;
  let acme: string;
  let rows: DemoConversation[];
  const conv = (n: number): string => byNumber(rows, n).id;
  const advance = (ms: number): void => { app.clock.now = new Date(app.clock.now.getTime() + ms); };
  const templateId = async (name: string): Promise<string> => (await app.db.manager.findOneByOrFail(Template, { organizationId: acme, name })).id;

  async function sendText(n: number, text: string): Promise<string> {
    const res = await app.gql("ali@acme.test", `mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }`, { c: conv(n), t: text });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.sendMessage.id;
  }

  async function sendTemplate(n: number, template: string, variables: { name: string; value: string }[], who = "ali@acme.test"): Promise<string> {
    const res = await app.gql(who, `mutation($c: ID!, $t: ID!, $v: [TemplateVariableInput!]!) { sendTemplate(conversationId: $c, templateId: $t, variables: $v) { id } }`,
      { c: conv(n), t: await templateId(template), v: variables });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.sendTemplate.id;
  }

  /** Creates, submits and approves (as a second pair of eyes) a template for every team. */
  async function approvedTemplate(name: string, body: string, language = "en"): Promise<void> {
    const created = await app.gql("maya@acme.test", `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`,
      { input: { name, language, category: "UTILITY", body, teamIds: [] } });
    const id = created.body.data!.createTemplate.id;
    await app.gql("maya@acme.test", `mutation($id: ID!) { submitTemplate(id: $id) { id } }`, { id });
    const approved = await app.gql("admin@acme.test", `mutation($id: ID!) { approveTemplate(id: $id) { status } }`, { id });
    expect(approved.body.data!.approveTemplate.status).toBe("APPROVED");
  }

  const message = (id: string) => app.db.manager.findOneByOrFail(Message, { id });
  const outbox = (id: string) => app.db.manager.findOneBy(OutboxEntry, { messageId: id });

  beforeAll(async () => {
    base = await fake.start();
    app = await startTestApp({
      config: {
        whatsapp: whatsappSettings({
          token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, apiBaseUrl: base,
          outbox: { pollIntervalMs: 0, maxAttempts: 5, retryBaseMs: RETRY_BASE_MS, requestTimeoutMs: 2000 },
        }),
      },
    });
    acme = app.seed.organizations.acme;
    rows = await loadConversations(app, acme);
  });
  beforeEach(() => { fake.reset(); });
  afterEach(() => { app.clock.now = SEED_NOW; });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it("free text: POSTs the Cloud API body with the bearer token, stores WhatsApp's id as SENT, audits the delivery once", async () => {
    expect(app.gateway.outbox.transport.name).toBe("cloud-api");
    const id = await sendText(7, "Your parcel is on its way.");
    const wamid = fake.nextId();
    const seq = await lastSeq(app, acme);
    expect(await app.gateway.outbox.drain()).toBe(1);
    expect(fake.requests).toEqual([{
      method: "POST", path: `/v21.0/${PHONE_NUMBER_ID}/messages`,
      headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }),
      body: { messaging_product: "whatsapp", to: wa(7), type: "text", text: { body: "Your parcel is on its way." } },
    }]);
    expect(await message(id)).toMatchObject({ status: "SENT", externalId: wamid, failureReason: null });
    expect(await outbox(id)).toBeNull();
    expect(await auditAfter(app, acme, seq)).toEqual([{
      action: "message.deliver", outcome: "SUCCESS", actorType: "SYSTEM", actorId: null, actorRole: null, teamId: app.seed.teams["acme/Sales"],
      targetType: "Message", targetId: id, before: { status: "QUEUED" },
      after: { status: "SENT", externalId: wamid, failureReason: null, attempts: 1, transport: "cloud-api" },
    }]);
    expect(await app.gateway.outbox.drain()).toBe(0);
    expect(fake.requests).toHaveLength(1);

    // WhatsApp then reports it delivered, by the id it returned.
    await postWebhook(app, statuses([{ id: wamid, status: "delivered", at: new Date(Math.floor(SEED_NOW.getTime() / 1000) * 1000) }]));
    expect((await message(id)).status).toBe("DELIVERED");
  });

  it("a positional template: components with its parameters in placeholder order", async () => {
    await sendTemplate(21, "order_update", [{ name: "2", value: "A-1001" }, { name: "1", value: "Ana" }]);
    await app.gateway.outbox.drain();
    expect(fake.requests.map((r) => r.body)).toEqual([{
      messaging_product: "whatsapp", to: wa(21), type: "template",
      template: {
        name: "order_update", language: { code: "en" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "A-1001" }] }],
      },
    }]);
  });

  it("a named template carries parameter_name; a template without placeholders sends no components", async () => {
    await approvedTemplate("welcome_code", "Hello {{customer_name}}, use code {{code}}.", "en_US");
    await approvedTemplate("store_hours", "We are open from 9 to 5.");
    await sendTemplate(21, "welcome_code", [{ name: "code", value: "SAVE10" }, { name: "customer_name", value: "Ana" }]);
    advance(1);
    await sendTemplate(21, "store_hours", []);
    expect(await app.gateway.outbox.drain()).toBe(2);
    expect(fake.requests.map((r) => r.body)).toEqual([
      {
        messaging_product: "whatsapp", to: wa(21), type: "template",
        template: {
          name: "welcome_code", language: { code: "en_US" },
          components: [{ type: "body", parameters: [
            { type: "text", text: "Ana", parameter_name: "customer_name" }, { type: "text", text: "SAVE10", parameter_name: "code" },
          ] }],
        },
      },
      { messaging_product: "whatsapp", to: wa(21), type: "template", template: { name: "store_hours", language: { code: "en" } } },
    ]);
  });

  it("retries a failing Cloud API with exponential backoff, then stores SENT", async () => {
    fake.answer({ status: 500, json: { error: { message: "An unknown error has occurred.", code: 1 } } }, { status: 500, json: { error: { message: "An unknown error has occurred.", code: 1 } } });
    const id = await sendText(7, "Retry me");
    const t0 = app.clock.now.getTime();

    expect(await app.gateway.outbox.drain()).toBe(1);
    expect(await message(id)).toMatchObject({ status: "QUEUED", externalId: null });
    expect(await outbox(id)).toMatchObject({ attempts: 1, nextAttemptAt: new Date(t0 + RETRY_BASE_MS), lastError: "Cloud API 500 (#1): An unknown error has occurred." });
    expect(await app.gateway.outbox.drain()).toBe(0);
    advance(RETRY_BASE_MS - 1);
    expect(await app.gateway.outbox.drain()).toBe(0);
    advance(1);
    expect(await app.gateway.outbox.drain()).toBe(1);
    expect(await outbox(id)).toMatchObject({ attempts: 2, nextAttemptAt: new Date(t0 + RETRY_BASE_MS + 2 * RETRY_BASE_MS) });
    advance(2 * RETRY_BASE_MS - 1);
    expect(await app.gateway.outbox.drain()).toBe(0);
    advance(1);
    const wamid = fake.nextId();
    expect(await app.gateway.outbox.drain()).toBe(1);
    expect(await message(id)).toMatchObject({ status: "SENT", externalId: wamid, failureReason: null });
    expect(fake.requests).toHaveLength(3);
    expect(new Set(fake.requests.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it("gives up after five attempts: FAILED with the last reason, audited", async () => {
    const unavailable = { status: 503, json: { error: { message: "Service temporarily unavailable", code: 2 } } };
    fake.answer(unavailable, unavailable, unavailable, unavailable, unavailable);
    const id = await sendText(7, "Doomed");
    const seq = await lastSeq(app, acme);
    const waits = [0, RETRY_BASE_MS, 2 * RETRY_BASE_MS, 4 * RETRY_BASE_MS, 8 * RETRY_BASE_MS];
    for (const wait of waits) {
      advance(wait);
      expect(await app.gateway.outbox.drain()).toBe(1);
    }
    const reason = "Cloud API 503 (#2): Service temporarily unavailable";
    expect(await message(id)).toMatchObject({ status: "FAILED", failureReason: reason, externalId: null });
    expect(await outbox(id)).toBeNull();
    expect(fake.requests).toHaveLength(5);
    advance(3600_000);
    expect(await app.gateway.outbox.drain()).toBe(0);
    expect((await auditAfter(app, acme, seq)).map((e) => [e.action, e.actorType, e.after])).toEqual([
      ["message.deliver", "SYSTEM", { status: "FAILED", failureReason: reason, attempts: 5, transport: "cloud-api" }],
    ]);
    const read = await app.gql("ali@acme.test", `query($id: ID!) { conversation(id: $id) { messages(last: 50) { id status failureReason } } }`, { id: conv(7) });
    expect(read.body.data!.conversation.messages.filter((m: { id: string }) => m.id === id)).toEqual([{ id, status: "FAILED", failureReason: reason }]);
  });

  it("an error WhatsApp will repeat (bad parameters) fails at once, without retrying", async () => {
    fake.answer({
      status: 400,
      json: { error: { message: "(#132000) Number of parameters does not match the expected number of params", type: "OAuthException", code: 132000,
        error_data: { messaging_product: "whatsapp", details: "body: number of localizable_params (1) does not match the expected number of params (2)" } } },
    });
    const id = await sendTemplate(21, "order_update", [{ name: "1", value: "Ana" }, { name: "2", value: "A-1" }]);
    expect(await app.gateway.outbox.drain()).toBe(1);
    expect(await message(id)).toMatchObject({
      status: "FAILED",
      failureReason: "Cloud API 400 (#132000): (#132000) Number of parameters does not match the expected number of params "
        + "(body: number of localizable_params (1) does not match the expected number of params (2))",
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("throttling (#130429) and a dropped connection are retried", async () => {
    fake.answer({ status: 400, json: { error: { message: "(#130429) Rate limit hit", code: 130429 } } }, "hang-up");
    const id = await sendText(7, "Throttled");
    await app.gateway.outbox.drain();
    expect(await outbox(id)).toMatchObject({ attempts: 1, lastError: "Cloud API 400 (#130429): (#130429) Rate limit hit" });
    advance(RETRY_BASE_MS);
    await app.gateway.outbox.drain();
    expect((await outbox(id))?.lastError).toMatch(/^Cloud API unreachable: /);
    advance(2 * RETRY_BASE_MS);
    await app.gateway.outbox.drain();
    expect((await message(id)).status).toBe("SENT");
    expect(fake.requests).toHaveLength(3);
  });

  it("a message waiting for a retry holds back later messages of its conversation, not those of others", async () => {
    fake.answer({ status: 500, json: { error: { message: "An unknown error has occurred.", code: 1 } } });
    const first = await sendText(7, "First, delayed");
    advance(1);
    const second = await sendText(7, "Second, must not overtake");
    const other = await sendTemplate(21, "order_update", [{ name: "1", value: "Ana" }, { name: "2", value: "A-9" }]);
    expect(await app.gateway.outbox.drain()).toBe(2);
    expect([(await message(first)).status, (await message(second)).status, (await message(other)).status]).toEqual(["QUEUED", "QUEUED", "SENT"]);
    advance(RETRY_BASE_MS);
    expect(await app.gateway.outbox.drain()).toBe(2);
    expect(fake.requests.map((r) => { const b = r.body as { text?: { body: string }; type: string }; return b.text?.body ?? b.type; }))
      .toEqual(["First, delayed", "template", "First, delayed", "Second, must not overtake"]);
    expect([(await message(first)).status, (await message(second)).status]).toEqual(["SENT", "SENT"]);
  });

  it("a template paused before delivery is not sent: FAILED, nothing reaches WhatsApp", async () => {
    const id = await sendTemplate(21, "order_update", [{ name: "1", value: "Ana" }, { name: "2", value: "A-2" }]);
    const template = await templateId("order_update");
    await app.db.manager.update(Template, { id: template }, { status: TemplateStatus.PAUSED });
    try {
      await app.gateway.outbox.drain();
    } finally {
      await app.db.manager.update(Template, { id: template }, { status: TemplateStatus.APPROVED });
    }
    expect(await message(id)).toMatchObject({ status: "FAILED", failureReason: "Not sent: the template order_update is PAUSED; only APPROVED templates are sent" });
    expect(fake.requests).toEqual([]);
  });

  it("free text whose window closed before delivery is not sent: FAILED, nothing reaches WhatsApp", async () => {
    const lastInbound = byNumber(rows, 1).lastInboundAt!.getTime();
    app.clock.now = new Date(lastInbound + 24 * 3600_000 - 60_000);
    const id = await sendText(1, "Just in time?");
    app.clock.now = new Date(lastInbound + 24 * 3600_000 + 60_000);
    await app.gateway.outbox.drain();
    expect(await message(id)).toMatchObject({
      status: "FAILED", failureReason: "Not sent: the 24-hour customer service window closed before delivery; send an approved template instead",
    });
    expect(fake.requests).toEqual([]);
  });

  it("two workers draining at once send a message only once", async () => {
    const workers = [1, 2].map(() => createOutboxWorker({ ...app.gateway.services, config: app.config, logger: createLogger("silent") }));
    const id = await sendText(7, "Only once");
    await Promise.all(workers.map((w) => w.drain()));
    await Promise.all(workers.map((w) => w.stop()));
    expect(fake.requests).toHaveLength(1);
    expect((await message(id)).status).toBe("SENT");
    expect(await app.db.manager.countBy(AuditEntry, { targetId: id, action: "message.deliver" })).toBe(1);
  });

  it("a polling worker delivers by itself and stops when asked", async () => {
    const config = { ...app.config, whatsapp: { ...app.config.whatsapp!, outbox: { ...app.config.whatsapp!.outbox, pollIntervalMs: 20 } } };
    const worker = createOutboxWorker({ ...app.gateway.services, config, logger: createLogger("silent") });
    const id = await sendText(7, "Polled");
    worker.start();
    try {
      for (let i = 0; i < 100 && (await message(id)).status === "QUEUED"; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await worker.stop();
    }
    expect((await message(id)).status).toBe("SENT");
    const after = await sendText(7, "After stop");
    await new Promise((r) => setTimeout(r, 100));
    expect((await message(after)).status).toBe("QUEUED");
    expect(fake.requests).toHaveLength(1);
    await app.gateway.outbox.drain();
  });
});
