import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { canAssign } from "../permissions/policy";
import { specFor } from "./actions";
import { requireActiveMember } from "./assigneeCheck";
import { assignmentFields, compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { idempotencyKey, optionalReason } from "./validate";

export interface AssignInput {
  conversationId: string;
  assigneeId: string;
  expectedVersion?: number | null;
  reason?: string | null;
  idempotencyKey?: string | null;
}

/** Revives a conversation stored as an idempotent result. */
const decodeConversation = (json: string): Conversation => {
  const raw = JSON.parse(json) as Record<string, unknown>;
  for (const k of ["lastInboundAt", "waitingSince", "lastActivityAt", "createdAt", "updatedAt"]) raw[k] = raw[k] === null ? null : new Date(raw[k] as string);
  return Object.assign(new Conversation(), raw);
};

/**
 * A supervisor or partner app assigns a conversation to an active member of its team; with
 * `expectedVersion` only if nobody changed it since, with `idempotencyKey` safe to retry.
 */
export function assignConversation(ctx: Context, input: AssignInput): Promise<Conversation> {
  const key = idempotencyKey(input.idempotencyKey);
  const reason = optionalReason(input.reason);
  const { idempotencyKey: _key, ...fingerprint } = input;
  return runCommand(ctx, specFor("assignConversation", { input }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, input.conversationId);
    if (!canAssign(ctx.principal, before)) throw refuseForbidden(before.teamId);
    await requireActiveMember(manager, before.organizationId, before.teamId, input.assigneeId);
    if (input.expectedVersion === undefined || input.expectedVersion === null) {
      if (before.assigneeId === input.assigneeId) throw refuseConflict(before.teamId, "The conversation is already assigned to that user");
    }
    const after = await compareAndSet(manager, before, { assigneeId: input.assigneeId }, ctx.now(), input.expectedVersion ?? before.version);
    await recordAssignment(manager, ctx, "ASSIGN", before, after, reason);
    return {
      result: after, teamId: after.teamId, before: assignmentFields(before), after: { ...assignmentFields(after), reason },
      events: [queueEvent("ASSIGNED", after, after.teamId, before.assigneeId, ctx.now())],
    };
  }, key ? { key, input: fingerprint, encode: (c) => JSON.stringify(c), decode: decodeConversation } : undefined);
}
