import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import express, { NextFunction, Request, Response, Router } from "express";
import type { Config } from "../config";
import type { Database } from "../db";
import type { Logger } from "../logger";
import { unconfiguredWhatsApp } from "../messaging/whatsappConfig";
import type { EventBus } from "../subscriptions/events";
import { ingestWhatsApp } from "./ingestWhatsApp";
import { MalformedPayload, parseWebhookBody, WebhookParts } from "./whatsappPayload";

export interface WhatsAppWebhookDeps {
  db: Database;
  events: EventBus;
  now: () => Date;
  config: Config;
  logger: Logger;
}

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;
const CHALLENGE = /^[\x21-\x7e]{1,512}$/;

/** Constant-time comparison of two strings of any lengths (their digests are compared, so not even the length leaks). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `X-Hub-Signature-256` must be `sha256=` and the hex HMAC-SHA256 of the exact raw body under
 * the app secret; compared in constant time.
 */
export function validSignature(header: string | undefined, rawBody: Buffer, appSecret: string): boolean {
  const given = header ? SIGNATURE.exec(header.trim()) : null;
  if (!given) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(given[1], "hex"), expected);
}

/**
 * The WhatsApp Cloud API webhook: the subscription handshake (GET) and event notifications
 * (POST). A notification is authenticated by its signature before anything else happens; a
 * malformed body is refused with 400 and writes nothing; parts this gateway does not handle are
 * logged and acknowledged with 200, so WhatsApp does not redeliver them for days.
 */
export function whatsappWebhook(deps: WhatsAppWebhookDeps): Router {
  const whatsapp = deps.config.whatsapp ?? unconfiguredWhatsApp();
  const log = deps.logger.child({ component: "whatsapp-webhook" });
  const router = express.Router();

  router.get("/", (req: Request, res: Response) => {
    const mode = req.query["hub.mode"];
    const token = req.query["hub.verify_token"];
    const challenge = req.query["hub.challenge"];
    const verified = mode === "subscribe" && typeof token === "string" && whatsapp.verifyToken !== null && sameSecret(token, whatsapp.verifyToken);
    if (!verified) {
      log.warn({ mode: typeof mode === "string" ? mode.slice(0, 32) : null }, "webhook verification refused");
      res.status(403).type("text/plain").send("Forbidden");
      return;
    }
    if (typeof challenge !== "string" || !CHALLENGE.test(challenge)) {
      res.status(400).type("text/plain").send("Missing hub.challenge");
      return;
    }
    log.info("webhook subscription verified");
    res.status(200).type("text/plain").send(challenge);
  });

  router.post("/", express.raw({ type: () => true, limit: "1mb" }), async (req: Request, res: Response, next: NextFunction) => {
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    if (whatsapp.appSecret === null) {
      log.error({ requestId }, "WHATSAPP_APP_SECRET is not set: webhook notifications cannot be verified and are refused");
      res.status(503).json({ error: "webhook not configured" });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(req.get("x-hub-signature-256"), raw, whatsapp.appSecret)) {
      log.warn({ requestId, signed: req.get("x-hub-signature-256") !== undefined }, "webhook signature missing or wrong; refused");
      res.status(401).json({ error: "invalid signature" });
      return;
    }
    let parts: WebhookParts;
    try {
      parts = parseWebhookBody(JSON.parse(raw.toString("utf8")));
    } catch (err) {
      const problem = err instanceof MalformedPayload ? err.message : "not JSON";
      log.warn({ requestId, problem }, "malformed webhook body; refused, nothing written");
      res.status(400).json({ error: "malformed body", problem });
      return;
    }
    try {
      const result = await ingestWhatsApp({ ...deps, whatsapp }, parts, { requestId, ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null });
      if (result.unhandled.length > 0) log.info({ requestId, unhandled: result.unhandled.slice(0, 20) }, "webhook parts not handled by this gateway");
      log.debug({ requestId, ...result, unhandled: result.unhandled.length }, "webhook processed");
      res.status(200).json({ received: result.received, duplicates: result.duplicates, statuses: result.statuses, templates: result.templates });
    } catch (err) {
      next(err);
    }
  });

  // The router's own errors answer in its own terms: WhatsApp retries on anything but 200.
  router.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: err.type === "entity.too.large" ? "body too large" : "bad request" });
      return;
    }
    log.error({ err }, "webhook processing failed; WhatsApp will redeliver");
    res.status(500).json({ error: "internal error" });
  });

  return router;
}
