import { EntityManager } from "typeorm";
import type { Context } from "../context";
import { newId } from "../entities/columns";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { AuditOutcome, DeliveryStatus, MessageDirection } from "../entities/enums";
import { Message } from "../entities/Message";
import { OutboundContent, OutboxEntry } from "../entities/OutboxEntry";
import { ErrorCode } from "../errors";
import { compareAndSet } from "./conversationTarget";
import { Refusal } from "./refusals";

/** The customer service window is closed: recorded as a denial; the message says a template still works. */
export const refuseWindowClosed = (teamId: string): Refusal =>
  new Refusal(ErrorCode.WINDOW_CLOSED, "The 24-hour customer service window is closed: the customer last wrote more than 24 hours ago. "
    + "An approved template can still be sent (sendTemplate).", AuditOutcome.DENIED, teamId);

/** The WhatsApp id a conversation's messages go to. */
export async function recipientOf(manager: EntityManager, c: Conversation): Promise<string> {
  const contact = await manager.findOneOrFail(Contact, { where: { id: c.contactId, organizationId: c.organizationId } });
  return contact.whatsappId;
}

/**
 * Stores an outbound message as QUEUED with its outbox entry, in the caller's transaction (so
 * with its audit entry): the outbox worker delivers it after commit. The customer is no longer
 * waiting once someone answered, so `waitingSince` is cleared (a compare-and-set like every
 * conversation write).
 */
export async function enqueueOutbound(
  manager: EntityManager, ctx: Context, c: Conversation, body: string, templateId: string | null, content: OutboundContent,
): Promise<Message> {
  const now = ctx.now();
  const message = manager.create(Message, {
    id: newId(), organizationId: c.organizationId, conversationId: c.id, direction: MessageDirection.OUTBOUND, body, templateId,
    senderId: ctx.principal.id, status: DeliveryStatus.QUEUED, externalId: null, failureReason: null, createdAt: now,
  });
  await manager.insert(Message, message);
  await manager.insert(OutboxEntry, {
    messageId: message.id, organizationId: c.organizationId, conversationId: c.id, content, attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now,
  });
  await compareAndSet(manager, c, { waitingSince: null }, now);
  return message;
}
