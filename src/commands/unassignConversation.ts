import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { canUnassign } from "../permissions/policy";
import { specFor } from "./actions";
import { assignmentFields, compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { optionalReason } from "./validate";

/** Returns a conversation to its team's queue: its assignee, a supervisor, or a partner app. */
export function unassignConversation(ctx: Context, id: string, reasonText?: string | null): Promise<Conversation> {
  const reason = optionalReason(reasonText);
  return runCommand(ctx, specFor("unassignConversation", { id }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, id);
    if (!canUnassign(ctx.principal, before)) throw refuseForbidden(before.teamId);
    if (before.assigneeId === null) throw refuseConflict(before.teamId, "The conversation is not assigned");
    const now = ctx.now();
    const after = await compareAndSet(manager, before, { assigneeId: null, waitingSince: before.waitingSince ?? now }, now);
    await recordAssignment(manager, ctx, "UNASSIGN", before, after, reason);
    return {
      result: after, teamId: after.teamId, before: assignmentFields(before), after: { ...assignmentFields(after), reason },
      events: [queueEvent("UNASSIGNED", after, after.teamId, before.assigneeId, now)],
    };
  });
}
