import { EntityManager } from "typeorm";
import type { Context } from "../context";
import { Assignment } from "../entities/Assignment";
import { newId } from "../entities/columns";
import type { Conversation } from "../entities/Conversation";

/** Appends a row to a conversation's assignment history, in the command's transaction. */
export async function recordAssignment(
  manager: EntityManager, ctx: Context, action: string, before: Conversation, after: Conversation, reason: string | null,
): Promise<void> {
  const p = ctx.principal;
  await manager.insert(Assignment, {
    id: newId(), organizationId: after.organizationId, conversationId: after.id, action,
    fromAssigneeId: before.assigneeId, toAssigneeId: after.assigneeId,
    fromTeamId: before.teamId !== after.teamId ? before.teamId : null, toTeamId: before.teamId !== after.teamId ? after.teamId : null,
    assignedById: p.kind === "USER" ? p.id : null, assignedByApiKeyId: p.kind === "API_KEY" ? p.id : null,
    reason, createdAt: ctx.now(),
  });
}
