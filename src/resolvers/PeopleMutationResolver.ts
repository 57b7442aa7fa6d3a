import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { addTeamMember } from "../commands/addTeamMember";
import { deactivateUser } from "../commands/deactivateUser";
import { removeTeamMember } from "../commands/removeTeamMember";
import { setUserRole } from "../commands/setUserRole";
import { updateTeamSettings } from "../commands/updateTeamSettings";
import type { Context } from "../context";
import { Role } from "../entities/enums";
import { Team } from "../entities/Team";
import { User } from "../entities/User";
import { TeamSettingsInput } from "./types/TeamSettingsInput";

/** People and teams: thin, each one a command (ADMIN, by the shield and again in the command). */
@Resolver()
export class PeopleMutationResolver {
  @Mutation(() => User, { description: "Not on yourself; the organization always keeps an active ADMIN" })
  setUserRole(@Arg("userId", () => ID) userId: string, @Arg("role", () => Role) role: Role, @Ctx() ctx: Context): Promise<User> {
    return setUserRole(ctx, userId, role);
  }

  @Mutation(() => User, { description: "Their unresolved conversations go back to their team queues" })
  deactivateUser(@Arg("userId", () => ID) userId: string, @Ctx() ctx: Context): Promise<User> {
    return deactivateUser(ctx, userId);
  }

  @Mutation(() => Team)
  addTeamMember(@Arg("teamId", () => ID) teamId: string, @Arg("userId", () => ID) userId: string, @Ctx() ctx: Context): Promise<Team> {
    return addTeamMember(ctx, teamId, userId);
  }

  @Mutation(() => Team, { description: "Their unresolved conversations of that team go back to its queue" })
  removeTeamMember(@Arg("teamId", () => ID) teamId: string, @Arg("userId", () => ID) userId: string, @Ctx() ctx: Context): Promise<Team> {
    return removeTeamMember(ctx, teamId, userId);
  }

  @Mutation(() => Team)
  updateTeamSettings(
    @Arg("teamId", () => ID) teamId: string, @Arg("input", () => TeamSettingsInput) input: TeamSettingsInput, @Ctx() ctx: Context,
  ): Promise<Team> {
    return updateTeamSettings(ctx, teamId, input);
  }
}
