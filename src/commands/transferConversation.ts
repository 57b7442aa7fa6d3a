import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { Team } from "../entities/Team";
import { badInput } from "../errors";
import { canTransfer } from "../permissions/policy";
import { specFor } from "./actions";
import { assignmentFields, compareAndSet, loadTargetConversation, queueEvent } from "./conversationTarget";
import { recordAssignment } from "./recordAssignment";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { optionalReason } from "./validate";

/** Moves a conversation to another team's queue, unassigned. */
export function transferConversation(ctx: Context, id: string, teamId: string, reasonText?: string | null): Promise<Conversation> {
  const reason = optionalReason(reasonText);
  return runCommand(ctx, specFor("transferConversation", { id }), async (manager) => {
    const before = await loadTargetConversation(manager, ctx, id);
    const target = isId(teamId) ? await manager.findOne(Team, { where: { id: teamId, organizationId: before.organizationId } }) : null;
    if (!target) throw badInput("No such team", "teamId");
    if (!canTransfer(ctx.principal, before, target.id)) throw refuseForbidden(before.teamId);
    if (target.id === before.teamId) throw badInput("The conversation is already in that team", "teamId");
    const now = ctx.now();
    const after = await compareAndSet(manager, before, { teamId: target.id, assigneeId: null, waitingSince: before.waitingSince ?? now }, now);
    await recordAssignment(manager, ctx, "TRANSFER", before, after, reason);
    return {
      result: after, teamId: before.teamId, before: assignmentFields(before), after: { ...assignmentFields(after), reason },
      events: [
        queueEvent("TRANSFERRED_OUT", after, before.teamId, before.assigneeId, now),
        queueEvent("TRANSFERRED_IN", after, after.teamId, before.assigneeId, now),
      ],
    };
  });
}
