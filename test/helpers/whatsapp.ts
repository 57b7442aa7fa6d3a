import { createHmac } from "node:crypto";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import request from "supertest";
import { newId } from "../../src/entities/columns";
import { Role } from "../../src/entities/enums";
import { User } from "../../src/entities/User";
import { unconfiguredWhatsApp, WhatsAppConfig } from "../../src/messaging/whatsappConfig";
import { QueueEvent, teamTopic } from "../../src/subscriptions/events";
import type { TestApp } from "./testApp";

/** The WhatsApp settings tests use: ids are made up, the secrets are the tests' own. */
export const WA = {
  verifyToken: "verify-token-4b1d",
  appSecret: "app-secret-9f3c2e",
  /** Routed to acme/Sales. */
  salesNumber: "100000000001",
  /** Routed to globex/Support. */
  globexNumber: "100000000003",
  /** Not routed: lands in the default team, acme/Support. */
  otherNumber: "100000000009",
  /** Acme's WhatsApp Business Account. */
  acmeAccount: "200000000001",
};

/** Settings with routing, a default team and the webhook secrets; no background outbox poll. */
export const whatsappSettings = (overrides: Partial<WhatsAppConfig> = {}): WhatsAppConfig => unconfiguredWhatsApp({
  verifyToken: WA.verifyToken,
  appSecret: WA.appSecret,
  routing: { [WA.salesNumber]: { organization: "acme", team: "Sales" }, [WA.globexNumber]: { organization: "globex", team: "Support" } },
  defaultTeam: { organization: "acme", team: "Support" },
  businessAccounts: { [WA.acmeAccount]: "acme" },
  ...overrides,
});

/** `X-Hub-Signature-256` for a raw body. */
export const sign = (raw: string, secret = WA.appSecret): string => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

/** POSTs a webhook body (an object is serialized), signed unless `signature` says otherwise (null: no header). */
export async function postWebhook(app: TestApp, body: unknown, signature?: string | null): Promise<{ status: number; body: any }> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const req = request(app.url).post("/webhooks/whatsapp").set("content-type", "application/json");
  const sig = signature === undefined ? sign(raw) : signature;
  if (sig !== null) req.set("x-hub-signature-256", sig);
  const res = await req.send(raw);
  return { status: res.status, body: res.body };
}

const seconds = (d: Date): string => String(Math.floor(d.getTime() / 1000));

/** The envelope around some changes of one account. */
export const envelope = (changes: { field: string; value: unknown }[], accountId = WA.acmeAccount) =>
  ({ object: "whatsapp_business_account", entry: [{ id: accountId, changes }] });

/** A `messages` change carrying customer messages. */
export function inbound(opts: {
  phoneNumberId?: string; from: string; name?: string; id: string; at: Date; text?: string; message?: Record<string, unknown>;
}) {
  return envelope([{
    field: "messages",
    value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "15550001111", phone_number_id: opts.phoneNumberId ?? WA.salesNumber },
      contacts: [{ profile: { name: opts.name ?? "Walk-in Customer" }, wa_id: opts.from }],
      messages: [{ from: opts.from, id: opts.id, timestamp: seconds(opts.at), ...(opts.message ?? { type: "text", text: { body: opts.text ?? "Hello" } }) }],
    },
  }]);
}

/** A `messages` change carrying delivery statuses. */
export function statuses(items: { id: string; status: string; at: Date; recipient?: string; errors?: unknown[] }[], phoneNumberId = WA.salesNumber) {
  return envelope([{
    field: "messages",
    value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "15550001111", phone_number_id: phoneNumberId },
      statuses: items.map((s) => ({
        id: s.id, status: s.status, timestamp: seconds(s.at), recipient_id: s.recipient ?? "447700900101", ...(s.errors ? { errors: s.errors } : {}),
      })),
    },
  }]);
}

/** A `message_template_status_update` change. */
export function templateUpdate(name: string, event: string, reason: string | null = "NONE", language = "en", accountId = WA.acmeAccount) {
  return envelope([{
    field: "message_template_status_update",
    value: { event, message_template_id: 594425479261596, message_template_name: name, message_template_language: language, reason },
  }], accountId);
}

/** Adds another active ADMIN to a demo organization (the seed has one each); returns their email. */
export async function addAdmin(app: TestApp, email: string, organization: "acme" | "globex" = "acme"): Promise<string> {
  const id = newId();
  await app.db.manager.insert(User, {
    id, organizationId: app.seed.organizations[organization], email, name: `Second Admin ${email}`, role: Role.ADMIN, active: true,
    lastActiveAt: null, createdAt: new Date(),
  });
  app.seed.users[email] = id;
  return email;
}

export { auditAfter, lastSeq } from "./audit";

/** Collects the queue events published on some teams' channels until stopped. */
export function listen(app: TestApp, teamIds: string[]): { events: QueueEvent[]; stop: () => void } {
  const events: QueueEvent[] = [];
  const streams = teamIds.map((t) => app.gateway.services.events.subscribe(teamTopic(t)));
  for (const stream of streams) void (async () => { for await (const e of stream) events.push(e); })();
  return { events, stop: () => { for (const s of streams) void s.return?.(); } };
}

/** One request the fake Cloud API received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** How the fake answers one request: a status and JSON body, or a dropped connection. */
export type FakeAnswer = { status: number; json: unknown } | "hang-up";

/**
 * A stand-in for the WhatsApp Cloud API on 127.0.0.1 (port 0): it records every request and
 * answers from a script, then with success (`wamid.fake.<n>`).
 */
export class FakeCloudApi {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: FakeAnswer[] = [];
  private server: Server | null = null;
  private issued = 0;

  /** Starts listening; resolves to the base URL (with a Graph API version path). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* kept as text */ }
        this.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
        const answer = this.script.shift() ?? { status: 200, json: this.success() };
        if (answer === "hang-up") {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v21.0`;
  }

  /** Queues answers for the next requests. */
  answer(...answers: FakeAnswer[]): void { this.script.push(...answers); }

  /** The id the next successful answer carries. */
  nextId(): string { return `wamid.fake.${this.issued + 1}`; }

  private success() {
    this.issued += 1;
    return { messaging_product: "whatsapp", contacts: [{ input: "x", wa_id: "x" }], messages: [{ id: `wamid.fake.${this.issued}` }] };
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
