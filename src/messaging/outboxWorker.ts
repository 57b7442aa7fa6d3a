import { EntityManager } from "typeorm";
import { systemPrincipal } from "../auth/principal";
import type { Database } from "../db";
import { Conversation } from "../entities/Conversation";
import { DeliveryStatus } from "../entities/enums";
import { Message } from "../entities/Message";
import { OutboundContent, OutboxEntry } from "../entities/OutboxEntry";
import { Template } from "../entities/Template";
import type { Logger } from "../logger";
import { isInsideServiceWindow, isTemplateSendable } from "../permissions/policy";
import { CloudApiTransport } from "./cloudApiTransport";
import { LogTransport } from "./logTransport";
import { ensureHeadOnce } from "../audit/ensureHeadOnce";
import { appendSystemEntry } from "./systemAudit";
import { cloudApiMessage, SendResult, WhatsAppTransport } from "./transport";
import type { Config } from "../config";
import { unconfiguredWhatsApp, WhatsAppConfig } from "./whatsappConfig";

/** Delivers queued outbound messages; started and stopped with the gateway. */
export interface OutboxWorker {
  readonly transport: WhatsAppTransport;
  /** Starts the background poll (none when the poll interval is 0). */
  start(): void;
  /** Stops polling and waits for the attempt in flight. */
  stop(): Promise<void>;
  /** Makes one attempt at every message due now, until none is due; resolves to the number of attempts. */
  drain(): Promise<number>;
}

export interface OutboxDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  /** Its `whatsapp` settings choose the transport and pace the retries. */
  config: Config;
  /** Overrides the transport chosen from the settings. */
  transport?: WhatsAppTransport;
}

/** Why the outbox bypasses the policy: it delivers what an authorized command already queued. */
export const OUTBOX_PRINCIPAL_REASON = "WhatsApp outbox delivery";

const BATCH = 20;
/** An attempt owns its message this long; longer than any request may take, so two workers never overlap. */
const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** drain() gives up after this many rounds, so a test can never loop forever. */
const MAX_ROUNDS = 1000;

/** The wait before attempt `attempts + 1`: the base, doubled for every attempt already made, capped at an hour. */
export const backoffMs = (base: number, attempts: number): number => Math.min(base * 2 ** (attempts - 1), MAX_BACKOFF_MS);

/** The transport the settings ask for: the Cloud API when a token and phone number id are set, else the log. */
export function transportFor(whatsapp: WhatsAppConfig, logger: Logger): WhatsAppTransport {
  return whatsapp.token && whatsapp.phoneNumberId
    ? new CloudApiTransport(whatsapp.apiBaseUrl, whatsapp.phoneNumberId, whatsapp.token, whatsapp.outbox.requestTimeoutMs)
    : new LogTransport(logger);
}

/**
 * The outbox worker. Each attempt claims its message by compare-and-set on `attempts` (so
 * several gateway instances never send one message twice), re-checks that it may still be sent
 * (template still APPROVED, free text still inside the window), calls the transport outside any
 * transaction, then records SENT with WhatsApp's message id, a retry with exponential backoff,
 * or FAILED with the reason. Terminal outcomes are audited by the system principal.
 */
export function createOutboxWorker(deps: OutboxDeps): OutboxWorker {
  const { db, now, logger } = deps;
  const whatsapp = deps.config.whatsapp ?? unconfiguredWhatsApp();
  const transport = deps.transport ?? transportFor(whatsapp, logger);
  const settings = whatsapp.outbox;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  /** One round at a time, whether from the poll or from drain(). */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };

  async function blockedReason(manager: EntityManager, content: OutboundContent): Promise<string | null> {
    if (content.kind === "template") {
      const template = await manager.findOne(Template, { where: { id: content.templateId } });
      if (!template || !isTemplateSendable(template)) {
        return `Not sent: the template ${content.name} is ${template?.status ?? "gone"}; only APPROVED templates are sent`;
      }
      return null;
    }
    const conversation = await manager.findOne(Conversation, { where: { id: content.conversationId } });
    if (!conversation || !isInsideServiceWindow(conversation, now())) {
      return "Not sent: the 24-hour customer service window closed before delivery; send an approved template instead";
    }
    return null;
  }

  /** Records how an attempt ended; `attempts` is the claim this attempt holds. */
  async function finish(manager: EntityManager, entry: OutboxEntry, attempts: number, result: SendResult): Promise<void> {
    const at = now();
    if (!result.ok && result.retryable && attempts < settings.maxAttempts) {
      const next = new Date(at.getTime() + backoffMs(settings.retryBaseMs, attempts));
      await manager.update(OutboxEntry, { messageId: entry.messageId, attempts }, { nextAttemptAt: next, lastError: result.reason });
      logger.warn({ messageId: entry.messageId, attempts, nextAttemptAt: next.toISOString(), reason: result.reason }, "WhatsApp delivery failed; will retry");
      return;
    }
    const message = await manager.findOne(Message, { where: { id: entry.messageId } });
    await manager.delete(OutboxEntry, { messageId: entry.messageId });
    if (!message || message.status !== DeliveryStatus.QUEUED) return;
    const changes = result.ok
      ? { status: DeliveryStatus.SENT, externalId: result.externalId, failureReason: null }
      : { status: DeliveryStatus.FAILED, failureReason: result.reason };
    await manager.update(Message, { id: message.id, status: DeliveryStatus.QUEUED }, changes);
    const conversation = await manager.findOne(Conversation, { where: { id: message.conversationId } });
    await appendSystemEntry(manager, systemPrincipal(entry.organizationId, OUTBOX_PRINCIPAL_REASON), {
      teamId: conversation?.teamId ?? null, action: "message.deliver", targetType: "Message", targetId: message.id,
      before: { status: DeliveryStatus.QUEUED }, after: { ...changes, attempts, transport: transport.name },
      requestId: null, ipAddress: null, userAgent: null, createdAt: at,
    });
    if (result.ok) logger.info({ messageId: message.id, externalId: result.externalId, attempts }, "WhatsApp message sent");
    else logger.warn({ messageId: message.id, attempts, reason: result.reason }, "WhatsApp message failed");
  }

  async function attempt(entry: OutboxEntry): Promise<void> {
    const attempts = entry.attempts + 1;
    await ensureHeadOnce(db, entry.organizationId);
    const claimed = await db.transaction(async (manager) => {
      const lease = new Date(now().getTime() + LEASE_MS);
      const won = await manager.createQueryBuilder().update(OutboxEntry).set({ attempts, nextAttemptAt: lease })
        .where("messageId = :id AND attempts = :attempts", { id: entry.messageId, attempts: entry.attempts }).execute();
      if (won.affected !== 1) return false;
      const blocked = await blockedReason(manager, entry.content);
      if (blocked === null) return true;
      await finish(manager, entry, attempts, { ok: false, retryable: false, reason: blocked });
      return false;
    });
    if (!claimed) return;
    let result: SendResult;
    try {
      result = await transport.send(cloudApiMessage(entry.content));
    } catch (err) {
      result = { ok: false, retryable: true, reason: `transport error: ${(err as Error).message}`.slice(0, 500) };
    }
    await db.transaction((manager) => finish(manager, entry, attempts, result));
  }

  /**
   * One round: an attempt at each message due now (at most one batch). Only the oldest queued
   * message of each conversation is considered: one that waits for a retry holds back the
   * messages written after it, so they never overtake it.
   */
  async function round(): Promise<number> {
    const due = await db.manager.createQueryBuilder(OutboxEntry, "o")
      .where("o.nextAttemptAt <= :now", { now: now() })
      .andWhere(`NOT EXISTS (SELECT 1 FROM message_outbox p WHERE p.conversationId = o.conversationId
        AND (p.createdAt < o.createdAt OR (p.createdAt = o.createdAt AND p.messageId < o.messageId)))`)
      .orderBy("o.nextAttemptAt", "ASC").addOrderBy("o.messageId", "ASC").limit(BATCH).getMany();
    for (const entry of due) await attempt(entry);
    return due.length;
  }

  function schedule(): void {
    if (stopped || settings.pollIntervalMs <= 0) return;
    timer = setTimeout(() => {
      timer = null;
      exclusive(round)
        .catch((err: unknown) => logger.error({ err }, "outbox round failed"))
        .finally(schedule);
    }, settings.pollIntervalMs);
    timer.unref();
  }

  return {
    transport,
    start: () => { if (!timer && !stopped) schedule(); },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
    },
    drain: () => exclusive(async () => {
      let total = 0;
      for (let i = 0; i < MAX_ROUNDS; i++) {
        const n = await round();
        total += n;
        if (n === 0) break;
      }
      return total;
    }),
  };
}
