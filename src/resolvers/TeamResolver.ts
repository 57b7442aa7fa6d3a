import { Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context";
import { Team } from "../entities/Team";
import { User } from "../entities/User";
import { teamScope } from "../permissions/scopes";
import { teamsByIds } from "./UserResolver";

/** Teams the viewer reaches (ADMIN: all of the organization). */
@Resolver(() => Team)
export class TeamResolver {
  @Query(() => [Team])
  async teams(@Ctx() ctx: Context): Promise<Team[]> {
    const scope = teamScope(ctx.principal);
    if (scope.teamIds === "ALL") return ctx.db.manager.find(Team, { where: { organizationId: scope.organizationId }, order: { name: "ASC" } });
    return teamsByIds(ctx, scope.teamIds);
  }

  @FieldResolver(() => [User])
  members(@Root() t: Team, @Ctx() ctx: Context): Promise<User[]> {
    return ctx.loaders.teamMembers.load(t.id);
  }
}
