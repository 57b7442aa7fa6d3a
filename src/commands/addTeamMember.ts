import type { Context } from "../context";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { badInput } from "../errors";
import { canManageTeams } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetTeam, loadTargetUser } from "./peopleTargets";
import { refuseConflict, refuseForbidden } from "./refusals";
import { isDuplicateKey, runCommand } from "./runCommand";

/**
 * An ADMIN adds a user to a team: from their next request they reach its conversations (as its
 * agent, or supervising it as a MANAGER). Already a member → CONFLICT; a deactivated user →
 * BAD_USER_INPUT (they could not work the queue).
 */
export function addTeamMember(ctx: Context, teamId: string, userId: string): Promise<Team> {
  return runCommand(ctx, specFor("addTeamMember", { teamId }), async (manager) => {
    const team = await loadTargetTeam(manager, ctx, teamId);
    const user = await loadTargetUser(manager, ctx, userId);
    if (!canManageTeams(ctx.principal)) throw refuseForbidden(team.id);
    if (!user.active) throw badInput("A deactivated user cannot join a team", "userId");
    if (await manager.exists(TeamMember, { where: { teamId: team.id, userId: user.id } })) {
      throw refuseConflict(team.id, "The user is already a member of the team");
    }
    try {
      await manager.insert(TeamMember, { teamId: team.id, userId: user.id, organizationId: team.organizationId, joinedAt: ctx.now() });
    } catch (err) {
      // A concurrent add committed first (MySQL).
      if (isDuplicateKey(err)) throw refuseConflict(team.id, "The user is already a member of the team");
      throw err;
    }
    return {
      result: team, teamId: team.id,
      before: { userId: user.id, member: false }, after: { userId: user.id, member: true },
    };
  });
}
