import { EntityManager } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import { TeamMember } from "../entities/TeamMember";
import { User } from "../entities/User";
import { badInput } from "../errors";

/** The assignee must be an active member of the conversation's team (POLICY.md), else BAD_USER_INPUT. */
export async function requireActiveMember(manager: EntityManager, organizationId: string, teamId: string, userId: string): Promise<User> {
  const user = isId(userId) ? await manager.findOne(User, { where: { id: userId, organizationId } }) : null;
  const member = user && (await manager.exists(TeamMember, { where: { teamId, userId } }));
  if (!user || !member || !user.active) throw badInput("The assignee must be an active member of the conversation's team", "assigneeId");
  return user;
}
