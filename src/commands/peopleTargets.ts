import { EntityManager } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Team } from "../entities/Team";
import { User } from "../entities/User";
import { notFound } from "../errors";

/** A user of the actor's organization; missing and foreign ids are alike NOT_FOUND. */
export async function loadTargetUser(manager: EntityManager, ctx: Context, id: string): Promise<User> {
  const user = isId(id) ? await manager.findOne(User, { where: { id, organizationId: ctx.principal.organizationId } }) : null;
  if (!user) throw notFound("User not found");
  return user;
}

/** A team of the actor's organization; missing and foreign ids are alike NOT_FOUND. */
export async function loadTargetTeam(manager: EntityManager, ctx: Context, id: string): Promise<Team> {
  const team = isId(id) ? await manager.findOne(Team, { where: { id, organizationId: ctx.principal.organizationId } }) : null;
  if (!team) throw notFound("Team not found");
  return team;
}
