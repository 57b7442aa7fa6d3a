import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { ConversationLabel } from "../entities/ConversationLabel";
import { canLabelConversation } from "../permissions/policy";
import { specFor } from "./actions";
import { compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { appliedLabelIds, loadLabel } from "./labelTarget";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * A user takes a label off a conversation they see (an archived label too). A label that is
 * not on the conversation is a CONFLICT, the mirror of applying one twice: both exist, the
 * state differs from what the client expected.
 */
export function removeLabel(ctx: Context, conversationId: string, labelId: string): Promise<Conversation> {
  return runCommand(ctx, specFor("removeLabel", { conversationId }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, conversationId);
    if (!canLabelConversation(ctx.principal)) throw refuseForbidden(before.teamId);
    const label = await loadLabel(manager, ctx, labelId);
    const labelIds = await appliedLabelIds(manager, before.id);
    if (!labelIds.includes(label.id)) throw refuseConflict(before.teamId, "The label is not applied");
    const now = ctx.now();
    const after = await compareAndSet(manager, before, {}, now);
    const removed = await manager.delete(ConversationLabel, { conversationId: before.id, labelId: label.id });
    if (removed.affected !== 1) throw refuseConflict(before.teamId, "The label is not applied");
    return {
      result: after, teamId: after.teamId,
      before: { labelIds, version: before.version }, after: { labelIds: labelIds.filter((l) => l !== label.id), version: after.version },
      events: [queueEvent("LABELS_CHANGED", after, after.teamId, before.assigneeId, now)],
    };
  });
}
