import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { ConversationLabel } from "../entities/ConversationLabel";
import { badInput } from "../errors";
import { canLabelConversation, isApplicableLabel } from "../permissions/policy";
import { specFor } from "./actions";
import { compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { appliedLabelIds, loadLabel } from "./labelTarget";
import { refuseConflict, refuseForbidden } from "./refusals";
import { isDuplicateKey, runCommand } from "./runCommand";

/**
 * A user tags a conversation they see with an active label of the organization. Applying a
 * label that is already there is a CONFLICT (not a silent success), so a client learns its view
 * was stale; the version bump makes concurrent writers see the change.
 */
export function applyLabel(ctx: Context, conversationId: string, labelId: string): Promise<Conversation> {
  return runCommand(ctx, specFor("applyLabel", { conversationId }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, conversationId);
    if (!canLabelConversation(ctx.principal)) throw refuseForbidden(before.teamId);
    const label = await loadLabel(manager, ctx, labelId);
    if (!isApplicableLabel(label)) throw badInput("Archived labels cannot be applied", "labelId");
    const labelIds = await appliedLabelIds(manager, before.id);
    if (labelIds.includes(label.id)) throw refuseConflict(before.teamId, "The label is already applied");
    const now = ctx.now();
    const after = await compareAndSet(manager, before, {}, now);
    try {
      await manager.insert(ConversationLabel, {
        conversationId: before.id, labelId: label.id, organizationId: before.organizationId,
        appliedById: ctx.principal.kind === "USER" ? ctx.principal.id : null, appliedAt: now,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw refuseConflict(before.teamId, "The label is already applied");
      throw err;
    }
    return {
      result: after, teamId: after.teamId,
      before: { labelIds, version: before.version }, after: { labelIds: [...labelIds, label.id].sort(), version: after.version },
      events: [queueEvent("LABELS_CHANGED", after, after.teamId, before.assigneeId, now)],
    };
  });
}
