import { EntityManager } from "typeorm";
import { actorOf } from "../audit/actor";
import { appendAuditEntry } from "../audit/appendAuditEntry";
import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { AuditOutcome } from "../entities/enums";
import type { QueueEvent } from "../subscriptions/events";
import { mutationActions } from "./actions";
import { assignmentFields, compareAndSet, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";

/**
 * Puts conversations back in their team queues as a consequence of a people change (deactivation,
 * leaving a team), inside the caller's transaction: each one compare-and-set, with its own
 * assignment history row and its own `conversation.unassign` audit entry. Returns the UNASSIGNED
 * events for the caller to publish after commit. All rows are changed before any audit entry is
 * appended, so on MySQL the audit head is locked last, as every other command does.
 */
export async function returnToQueue(manager: EntityManager, ctx: Context, conversations: Conversation[], reason: string): Promise<QueueEvent[]> {
  const now = ctx.now();
  const changed: { before: Conversation; after: Conversation }[] = [];
  for (const before of conversations) {
    const after = await compareAndSet(manager, before, { assigneeId: null, waitingSince: before.waitingSince ?? now }, now);
    await recordAssignment(manager, ctx, "UNASSIGN", before, after, reason);
    changed.push({ before, after });
  }
  const { action, targetType } = mutationActions.unassignConversation;
  for (const { before, after } of changed) {
    await appendAuditEntry(manager, {
      organizationId: after.organizationId, teamId: after.teamId, ...actorOf(ctx.principal), action, targetType, targetId: after.id,
      outcome: AuditOutcome.SUCCESS, before: assignmentFields(before), after: { ...assignmentFields(after), reason },
      requestId: ctx.requestId, ipAddress: ctx.ip, userAgent: ctx.userAgent, createdAt: now,
    });
  }
  return changed.map(({ before, after }) => queueEvent("UNASSIGNED", after, after.teamId, before.assigneeId, now));
}
