import { EntityManager } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import { TeamMember } from "../entities/TeamMember";
import { User } from "../entities/User";
import { badInput } from "../errors";

/**
 * The assignee must be an active member of the conversation's team (POLICY.md), else
 * BAD_USER_INPUT. On MySQL the user and membership rows are read with a shared lock, so a
 * concurrent deactivation or removal from the team either waits for this assignment (and then
 * returns the conversation to the queue) or has committed first (and this check fails).
 */
export async function requireActiveMember(manager: EntityManager, organizationId: string, teamId: string, userId: string): Promise<User> {
  const shared = manager.connection.options.type !== "better-sqlite3";
  const userQuery = manager.createQueryBuilder(User, "u").where("u.id = :userId AND u.organizationId = :organizationId", { userId, organizationId });
  const memberQuery = manager.createQueryBuilder(TeamMember, "m").where("m.teamId = :teamId AND m.userId = :userId", { teamId, userId });
  if (shared) {
    userQuery.setLock("pessimistic_read");
    memberQuery.setLock("pessimistic_read");
  }
  const user = isId(userId) ? await userQuery.getOne() : null;
  const member = user && (await memberQuery.getOne());
  if (!user || !member || !user.active) throw badInput("The assignee must be an active member of the conversation's team", "assigneeId");
  return user;
}
