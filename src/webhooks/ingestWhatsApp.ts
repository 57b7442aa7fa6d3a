import { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { systemPrincipal } from "../auth/principal";
import { compareAndSet, queueEvent } from "../commands/conversationTarget";
import { isDuplicateKey } from "../commands/runCommand";
import { transitionTemplate } from "../commands/templateTarget";
import type { Database } from "../db";
import { Assignment } from "../entities/Assignment";
import { newId } from "../entities/columns";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { ConversationStatus, DeliveryStatus, MessageDirection, Priority, TemplateStatus } from "../entities/enums";
import { Message } from "../entities/Message";
import { TeamMember } from "../entities/TeamMember";
import { Template } from "../entities/Template";
import { User } from "../entities/User";
import type { Logger } from "../logger";
import { organizationForAccount, Route, routeForPhoneNumber } from "../messaging/routing";
import { ensureHeadOnce } from "../audit/ensureHeadOnce";
import { appendSystemEntry, SystemAuditInput } from "../messaging/systemAudit";
import type { WhatsAppConfig } from "../messaging/whatsappConfig";
import { EventBus, publishQueueEvents, QueueEvent } from "../subscriptions/events";
import { describeInbound, InboundMessage, MessagesValue, StatusUpdate, TemplateStatusValue, WebhookParts } from "./whatsappPayload";

/** Why the webhook bypasses the policy: WhatsApp itself reports what customers and its systems did. */
export const WEBHOOK_PRINCIPAL_REASON = "WhatsApp Cloud API webhook";

export interface IngestDeps {
  db: Database;
  events: EventBus;
  now: () => Date;
  whatsapp: WhatsAppConfig;
  logger: Logger;
}

/** The webhook request, for the audit trail. */
export interface WebhookRequest {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

/** What one webhook body changed. */
export interface IngestResult {
  received: number;
  duplicates: number;
  statuses: number;
  templates: number;
  /** Valid parts that were not acted on (logged, answered 200 so WhatsApp does not retry them). */
  unhandled: string[];
}

/** Message types that are not something a customer wrote (a number change, a chat being opened). */
const NOT_CUSTOMER_MESSAGES = new Set(["system", "request_welcome"]);

const STATUS: Record<string, DeliveryStatus> = {
  sent: DeliveryStatus.SENT, delivered: DeliveryStatus.DELIVERED, read: DeliveryStatus.READ, failed: DeliveryStatus.FAILED,
};
const RANK: Partial<Record<DeliveryStatus, number>> = {
  [DeliveryStatus.QUEUED]: 0, [DeliveryStatus.SENT]: 1, [DeliveryStatus.DELIVERED]: 2, [DeliveryStatus.READ]: 3,
};

/**
 * Whether a status report moves a message forward. Reports arrive out of order and more than
 * once: a status never goes back (`read` may come without `delivered`, and a late `delivered`
 * after `read` changes nothing); `failed` counts only before delivery, and proof of delivery
 * (`delivered`, `read`) overrides an earlier `failed`.
 */
export function advances(current: DeliveryStatus, next: DeliveryStatus): boolean {
  if (current === next) return false;
  if (next === DeliveryStatus.FAILED) return (RANK[current] ?? 0) < RANK[DeliveryStatus.DELIVERED]!;
  if (current === DeliveryStatus.FAILED) return next === DeliveryStatus.DELIVERED || next === DeliveryStatus.READ;
  return (RANK[next] ?? 0) > (RANK[current] ?? 0);
}

const TEMPLATE_EVENTS: Record<string, TemplateStatus> = {
  APPROVED: TemplateStatus.APPROVED, REJECTED: TemplateStatus.REJECTED, PAUSED: TemplateStatus.PAUSED, DISABLED: TemplateStatus.DISABLED,
};

const clip = (s: string, n = 500): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);
const later = (a: Date | null, b: Date): Date => (a && a.getTime() > b.getTime() ? a : b);

/** Reads one row for update (FOR UPDATE on MySQL; SQLite runs one transaction at a time). */
function lockOne<T extends ObjectLiteral>(
  m: EntityManager, entity: EntityTarget<T>, where: string, params: Record<string, unknown>, newestFirst = false,
): Promise<T | null> {
  const qb = m.createQueryBuilder(entity, "x").where(where, params);
  if (newestFirst) qb.orderBy("x.createdAt", "DESC").addOrderBy("x.id", "DESC");
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.limit(1).getOne();
}

async function isActiveMember(m: EntityManager, organizationId: string, teamId: string, userId: string): Promise<boolean> {
  const user = await m.findOne(User, { where: { id: userId, organizationId } });
  return !!user?.active && (await m.exists(TeamMember, { where: { teamId, userId } }));
}

/** The failure WhatsApp reported, as one line: `131047 Re-engagement message: … (details)`. */
function failureOf(s: StatusUpdate): string {
  const e = s.errors?.[0];
  if (!e) return "WhatsApp reported the message as failed";
  const details = e.error_data?.details;
  return clip(`${e.code} ${e.title ?? e.message ?? "failed"}${e.message && e.message !== e.title ? `: ${e.message}` : ""}${details ? ` (${details})` : ""}`);
}

/** One webhook body's changes, made in one transaction; audit entries are appended last (the head is locked last). */
class Ingest {
  readonly events: QueueEvent[] = [];
  readonly result: IngestResult;
  private readonly audit: { organizationId: string; input: SystemAuditInput }[] = [];

  constructor(private readonly m: EntityManager, private readonly now: Date, private readonly request: WebhookRequest, unhandled: string[]) {
    this.result = { received: 0, duplicates: 0, statuses: 0, templates: 0, unhandled: [...unhandled] };
  }

  private record(organizationId: string, teamId: string | null, action: string, targetType: string, targetId: string,
    before: Record<string, unknown> | null, after: Record<string, unknown> | null): void {
    this.audit.push({
      organizationId,
      input: {
        teamId, action, targetType, targetId, before, after, requestId: this.request.requestId, ipAddress: this.request.ip,
        userAgent: this.request.userAgent, createdAt: this.now,
      },
    });
  }

  async messages(route: Route | null, value: MessagesValue): Promise<void> {
    const phoneNumberId = value.metadata.phone_number_id;
    for (const msg of value.messages ?? []) {
      if (NOT_CUSTOMER_MESSAGES.has(msg.type)) this.result.unhandled.push(`message type ${msg.type}`);
      else if (!route) this.result.unhandled.push(`message to phone number ${phoneNumberId}, which no team is routed for`);
      else await this.receive(route, phoneNumberId, msg, value.contacts?.find((c) => c.wa_id === msg.from)?.profile?.name ?? null);
    }
    for (const s of value.statuses ?? []) {
      if (!route) this.result.unhandled.push(`status for phone number ${phoneNumberId}, which no team is routed for`);
      else await this.status(route.organizationId, s);
    }
  }

  /** A customer's message: find or create the contact, find, reopen or open the conversation, append the message. */
  private async receive(route: Route, phoneNumberId: string, msg: InboundMessage, profileName: string | null): Promise<void> {
    const { m, now } = this;
    const org = route.organizationId;
    if (await m.exists(Message, { where: { organizationId: org, externalId: msg.id } })) {
      this.result.duplicates++;
      return;
    }
    // WhatsApp's time of the message (never in the future), so a late delivery does not stretch the service window.
    const at = new Date(Math.min(Number(msg.timestamp) * 1000, now.getTime()));

    let contact = await lockOne(m, Contact, "x.organizationId = :org AND x.whatsappId = :wa", { org, wa: msg.from });
    const contactCreated = !contact;
    if (!contact) {
      contact = m.create(Contact, {
        id: newId(), organizationId: org, name: clip(profileName?.trim() || `+${msg.from}`, 120), phoneNumber: `+${msg.from}`,
        whatsappId: msg.from, createdAt: now,
      });
      await m.insert(Contact, contact);
    }

    const open = contactCreated ? null
      : await lockOne(m, Conversation, "x.organizationId = :org AND x.contactId = :contact AND x.status <> :resolved",
        { org, contact: contact.id, resolved: ConversationStatus.RESOLVED }, true);
    let conversation: Conversation;
    if (open) {
      const wasPending = open.status === ConversationStatus.PENDING;
      conversation = await compareAndSet(m, open, {
        lastInboundAt: later(open.lastInboundAt, at), waitingSince: open.waitingSince ?? at, ...(wasPending ? { status: ConversationStatus.OPEN } : {}),
      }, now);
      if (wasPending) {
        this.record(org, conversation.teamId, "conversation.reopen", "Conversation", conversation.id,
          { status: open.status, assigneeId: open.assigneeId }, { status: conversation.status, assigneeId: conversation.assigneeId, messageId: msg.id });
        this.events.push(queueEvent("STATUS_CHANGED", conversation, conversation.teamId, open.assigneeId, now));
      }
      this.events.push(queueEvent("MESSAGE_RECEIVED", conversation, conversation.teamId, open.assigneeId, now));
    } else {
      const resolved = contactCreated ? null
        : await lockOne(m, Conversation, "x.organizationId = :org AND x.contactId = :contact AND x.status = :resolved",
          { org, contact: contact.id, resolved: ConversationStatus.RESOLVED }, true);
      if (resolved) {
        conversation = await this.reopen(resolved, at, msg.id);
      } else {
        conversation = m.create(Conversation, {
          id: newId(), organizationId: org, teamId: route.teamId, contactId: contact.id, status: ConversationStatus.OPEN,
          priority: Priority.NORMAL, assigneeId: null, version: 1, lastInboundAt: at, waitingSince: at, lastActivityAt: at,
          createdAt: at, updatedAt: now,
        });
        await m.insert(Conversation, conversation);
        this.record(org, conversation.teamId, "conversation.open", "Conversation", conversation.id, null,
          { teamId: conversation.teamId, contactId: contact.id, contactCreated, status: conversation.status, phoneNumberId });
        this.events.push(queueEvent("CONVERSATION_CREATED", conversation, conversation.teamId, null, now));
      }
    }

    const message = m.create(Message, {
      id: newId(), organizationId: org, conversationId: conversation.id, direction: MessageDirection.INBOUND, body: describeInbound(msg),
      templateId: null, senderId: null, status: DeliveryStatus.RECEIVED, externalId: msg.id, failureReason: null, createdAt: at,
    });
    await m.insert(Message, message);
    this.record(org, conversation.teamId, "message.receive", "Message", message.id, null,
      { conversationId: conversation.id, externalId: msg.id, type: msg.type, direction: message.direction, status: message.status });
    this.result.received++;
  }

  /**
   * A customer writes again after their conversation was resolved: it is reopened in its team,
   * with the same assignee while they are still an active member of that team (the customer
   * keeps their contact person), otherwise back in the team queue.
   */
  private async reopen(resolved: Conversation, at: Date, externalId: string): Promise<Conversation> {
    const { m, now } = this;
    const keep = resolved.assigneeId !== null && (await isActiveMember(m, resolved.organizationId, resolved.teamId, resolved.assigneeId));
    const after = await compareAndSet(m, resolved, {
      status: ConversationStatus.OPEN, assigneeId: keep ? resolved.assigneeId : null, lastInboundAt: later(resolved.lastInboundAt, at), waitingSince: at,
    }, now);
    if (resolved.assigneeId !== null && !keep) {
      await m.insert(Assignment, {
        id: newId(), organizationId: after.organizationId, conversationId: after.id, action: "UNASSIGN", fromAssigneeId: resolved.assigneeId,
        toAssigneeId: null, fromTeamId: null, toTeamId: null, assignedById: null, assignedByApiKeyId: null,
        reason: "Reopened by the customer; the previous assignee is no longer an active member of the team", createdAt: now,
      });
    }
    this.record(after.organizationId, after.teamId, "conversation.reopen", "Conversation", after.id,
      { status: resolved.status, assigneeId: resolved.assigneeId }, { status: after.status, assigneeId: after.assigneeId, messageId: externalId });
    this.events.push(queueEvent("STATUS_CHANGED", after, after.teamId, resolved.assigneeId, now));
    this.events.push(queueEvent("MESSAGE_RECEIVED", after, after.teamId, resolved.assigneeId, now));
    return after;
  }

  /** A delivery status of an outbound message; repeats and stale reports change nothing. */
  private async status(org: string, s: StatusUpdate): Promise<void> {
    const { m } = this;
    const next = STATUS[s.status];
    if (!next) {
      this.result.unhandled.push(`status ${s.status.slice(0, 32)}`);
      return;
    }
    const message = await lockOne(m, Message, "x.organizationId = :org AND x.externalId = :id", { org, id: s.id });
    if (!message || message.direction !== MessageDirection.OUTBOUND) {
      this.result.unhandled.push("status of a message this gateway did not send");
      return;
    }
    if (!advances(message.status, next)) return;
    const failureReason = next === DeliveryStatus.FAILED ? failureOf(s) : null;
    await m.update(Message, { id: message.id }, { status: next, failureReason });
    const conversation = await m.findOne(Conversation, { where: { id: message.conversationId } });
    this.record(org, conversation?.teamId ?? null, "message.status", "Message", message.id,
      { status: message.status, failureReason: message.failureReason }, { status: next, failureReason, externalId: s.id });
    this.result.statuses++;
  }

  /**
   * WhatsApp's verdict on a template takes effect at once, except that WhatsApp's approval never
   * replaces the four-eyes approval here: APPROVED is applied only to a template whose current
   * content an admin approved (a pause lifted, an appeal won). Archived templates stay archived.
   */
  async template(org: string | null, value: TemplateStatusValue): Promise<void> {
    const { m, now } = this;
    const label = `template ${value.message_template_name.slice(0, 64)} (${value.message_template_language})`;
    const to = TEMPLATE_EVENTS[value.event];
    if (!to) {
      this.result.unhandled.push(`${label} event ${value.event}`);
      return;
    }
    const t = org === null ? null : await lockOne(m, Template, "x.organizationId = :org AND x.name = :name AND x.language = :language",
      { org, name: value.message_template_name, language: value.message_template_language });
    if (!t) {
      this.result.unhandled.push(`${label} unknown here`);
      return;
    }
    if (t.status === to) return;
    if (t.status === TemplateStatus.ARCHIVED) {
      this.result.unhandled.push(`${label} is archived; ${value.event} ignored`);
      return;
    }
    if (to === TemplateStatus.APPROVED && t.approvedById === null) {
      this.result.unhandled.push(`${label} was approved by WhatsApp but not by an admin here; left ${t.status}`);
      return;
    }
    const given = [value.reason, value.other_info?.title, value.other_info?.description].filter((r): r is string => !!r && r !== "NONE");
    const why = clip(`WhatsApp ${value.event.toLowerCase()} the template${given.length ? `: ${given.join(" – ")}` : ""}`);
    const after = await transitionTemplate(m, t, to, { rejectionReason: to === TemplateStatus.REJECTED ? why : null }, null, why, now);
    this.record(t.organizationId, null, "template.whatsappStatus", "Template", t.id,
      { status: t.status, rejectionReason: t.rejectionReason }, { status: after.status, rejectionReason: after.rejectionReason, event: value.event });
    this.result.templates++;
  }

  async appendAudit(): Promise<void> {
    for (const { organizationId, input } of this.audit) {
      await appendSystemEntry(this.m, systemPrincipal(organizationId, WEBHOOK_PRINCIPAL_REASON), input);
    }
  }
}

/**
 * Applies one verified webhook body as the system principal, in one transaction with its audit
 * entries, and publishes queue events after commit. A concurrent delivery that created the same
 * contact or message first makes the transaction fail on a unique key: it then runs once more,
 * and finds what the other one wrote.
 */
export async function ingestWhatsApp(deps: IngestDeps, parts: WebhookParts, request: WebhookRequest): Promise<IngestResult> {
  const { db, whatsapp } = deps;
  const routes = new Map<string, Route | null>();
  for (const { value } of parts.messages) {
    const id = value.metadata.phone_number_id;
    if (!routes.has(id)) routes.set(id, await routeForPhoneNumber(db.manager, whatsapp, id));
  }
  const accounts = new Map<string, string | null>();
  for (const { accountId } of parts.templates) {
    if (!accounts.has(accountId)) accounts.set(accountId, await organizationForAccount(db.manager, whatsapp, accountId));
  }
  const organizations = new Set<string>([
    ...[...routes.values()].flatMap((r) => (r ? [r.organizationId] : [])),
    ...[...accounts.values()].flatMap((o) => (o ? [o] : [])),
  ]);
  for (const org of organizations) await ensureHeadOnce(db, org);

  const run = () => db.transaction(async (manager) => {
    const ingest = new Ingest(manager, deps.now(), request, parts.unhandled);
    for (const { value } of parts.messages) await ingest.messages(routes.get(value.metadata.phone_number_id) ?? null, value);
    for (const { accountId, value } of parts.templates) await ingest.template(accounts.get(accountId) ?? null, value);
    await ingest.appendAudit();
    return ingest;
  });
  let done: Ingest;
  try {
    done = await run();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    done = await run();
  }
  if (done.events.length > 0) publishQueueEvents(deps.events, done.events);
  return done.result;
}
