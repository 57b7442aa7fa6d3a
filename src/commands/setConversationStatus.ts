import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { ConversationStatus } from "../entities/enums";
import { canSetStatus } from "../permissions/policy";
import { specFor } from "./actions";
import { assignmentFields, compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/** Opens, parks or resolves a conversation: its assignee or a supervisor. */
export function setConversationStatus(ctx: Context, id: string, status: ConversationStatus): Promise<Conversation> {
  return runCommand(ctx, specFor("setConversationStatus", { id }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, id);
    if (!canSetStatus(ctx.principal, before)) throw refuseForbidden(before.teamId);
    if (before.status === status) throw refuseConflict(before.teamId, `The conversation is already ${status}`);
    const now = ctx.now();
    // Nobody waits on a resolved conversation.
    const waitingSince = status === ConversationStatus.RESOLVED ? null : before.waitingSince;
    const after = await compareAndSet(manager, before, { status, waitingSince }, now);
    await recordAssignment(manager, ctx, "STATUS", before, after, `${before.status} → ${status}`);
    return {
      result: after, teamId: after.teamId, before: assignmentFields(before), after: assignmentFields(after),
      events: [queueEvent("STATUS_CHANGED", after, after.teamId, before.assigneeId, now)],
    };
  });
}
