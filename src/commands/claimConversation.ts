import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { canClaim } from "../permissions/policy";
import { conversationVisible } from "../permissions/scopes";
import { specFor } from "./actions";
import { assignmentFields, compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/** A user takes an unassigned conversation; of many concurrent claims exactly one wins. */
export function claimConversation(ctx: Context, id: string): Promise<Conversation> {
  return runCommand(ctx, specFor("claimConversation", { id }), async (manager) => {
    // Judged on the unassigned conversation: a claim that lost the race is a CONFLICT, not NOT_FOUND.
    const unassigned = (c: Conversation) => ({ ...c, assigneeId: null }) as Conversation;
    const before = await loadTargetConversation(manager, ctx, id, unassigned);
    if (!canClaim(ctx.principal, conversationVisible(ctx.scope, unassigned(before)))) throw refuseForbidden(before.teamId);
    if (before.assigneeId !== null) throw refuseConflict(before.teamId, "The conversation is already assigned");
    const me = ctx.principal.kind === "USER" ? ctx.principal.id : null;
    const after = await compareAndSet(manager, before, { assigneeId: me }, ctx.now());
    await recordAssignment(manager, ctx, "CLAIM", before, after, null);
    return {
      result: after, teamId: after.teamId, before: assignmentFields(before), after: assignmentFields(after),
      events: [queueEvent("ASSIGNED", after, after.teamId, null, ctx.now())],
    };
  });
}
