import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { In } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { User } from "../entities/User";
import { teamScope } from "../permissions/scopes";

/** People: listing is limited to the viewer's teams; sensitive fields are behind rules. */
@Resolver(() => User)
export class UserResolver {
  @Query(() => [User], { description: "Members of the viewer's teams (ADMIN: everyone), optionally of one team" })
  async users(@Ctx() ctx: Context, @Arg("teamId", () => ID, { nullable: true }) teamId?: string): Promise<User[]> {
    const scope = teamScope(ctx.principal);
    if (teamId !== undefined && teamId !== null && !isId(teamId)) return [];
    const qb = ctx.db.manager.createQueryBuilder(User, "u").where("u.organizationId = :org", { org: scope.organizationId });
    const teamIds = scope.teamIds === "ALL" ? (teamId ? [teamId] : null) : teamId ? scope.teamIds.filter((t) => t === teamId) : scope.teamIds;
    if (teamIds !== null) {
      if (teamIds.length === 0) return [];
      const sub = qb.subQuery().select("m.userId").from(TeamMember, "m").where("m.teamId IN (:...teamIds)").getQuery();
      qb.andWhere(`u.id IN ${sub}`, { teamIds });
    }
    return qb.orderBy("u.name").addOrderBy("u.id").getMany();
  }

  @FieldResolver(() => String, { nullable: true })
  email(@Root() u: User): string {
    return u.email;
  }

  @FieldResolver(() => Date, { nullable: true })
  lastActiveAt(@Root() u: User): Date | null {
    return u.lastActiveAt;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Unresolved conversations assigned to this user" })
  openAssignmentCount(@Root() u: User, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.openAssignmentCount.load(u.id);
  }

  @FieldResolver(() => [Team])
  async teams(@Root() u: User, @Ctx() ctx: Context): Promise<Team[]> {
    const ids = await ctx.loaders.userTeamIds.load(u.id);
    const teams = await ctx.loaders.team.loadMany(ids);
    return teams.filter((t): t is Team => t instanceof Team);
  }
}

/** Helper for resolvers that list teams by id. */
export async function teamsByIds(ctx: Context, ids: string[]): Promise<Team[]> {
  if (ids.length === 0) return [];
  return ctx.db.manager.find(Team, { where: { id: In(ids), organizationId: ctx.principal.organizationId }, order: { name: "ASC" } });
}
