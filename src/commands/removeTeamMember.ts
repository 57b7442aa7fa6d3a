import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { ConversationStatus } from "../entities/enums";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { notFound } from "../errors";
import { canManageTeams } from "../permissions/policy";
import { Not } from "typeorm";
import { specFor } from "./actions";
import { loadTargetTeam, loadTargetUser } from "./peopleTargets";
import { refuseForbidden } from "./refusals";
import { returnToQueue } from "./returnToQueue";
import { runCommand } from "./runCommand";

/** Why conversations go back to the queue when their assignee leaves the team. */
export const LEFT_TEAM_REASON = "assignee removed from team";

/**
 * An ADMIN removes a user from a team: from their next request they no longer reach its
 * conversations, and the unresolved ones assigned to them in that team go back to its queue,
 * each change recorded on its own (an assignee must be a member of the conversation's team).
 * Not a member → NOT_FOUND (the membership does not exist).
 */
export function removeTeamMember(ctx: Context, teamId: string, userId: string): Promise<Team> {
  return runCommand(ctx, specFor("removeTeamMember", { teamId }), async (manager) => {
    const team = await loadTargetTeam(manager, ctx, teamId);
    const user = await loadTargetUser(manager, ctx, userId);
    if (!canManageTeams(ctx.principal)) throw refuseForbidden(team.id);
    const removed = await manager.delete(TeamMember, { teamId: team.id, userId: user.id });
    if (removed.affected !== 1) throw notFound("The user is not a member of the team");
    const open = await manager.find(Conversation, {
      where: { organizationId: team.organizationId, teamId: team.id, assigneeId: user.id, status: Not(ConversationStatus.RESOLVED) },
      order: { createdAt: "ASC", id: "ASC" },
    });
    const events = await returnToQueue(manager, ctx, open, LEFT_TEAM_REASON);
    return {
      result: team, teamId: team.id,
      before: { userId: user.id, member: true }, after: { userId: user.id, member: false, returnedToQueue: open.map((c) => c.id) },
      events,
    };
  });
}
