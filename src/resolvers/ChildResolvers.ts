import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context";
import { Assignment } from "../entities/Assignment";
import { Message } from "../entities/Message";
import { Note } from "../entities/Note";
import { Team } from "../entities/Team";
import { TemplateEvent } from "../entities/TemplateEvent";
import { User } from "../entities/User";

const userOrNull = (ctx: Context, id: string | null): Promise<User | null> | null => (id ? ctx.loaders.user.load(id) : null);
const teamOrNull = (ctx: Context, id: string | null): Promise<Team | null> | null => (id ? ctx.loaders.team.load(id) : null);

/** A note's author. */
@Resolver(() => Note)
export class NoteResolver {
  @FieldResolver(() => User, { nullable: true })
  author(@Root() n: Note, @Ctx() ctx: Context): Promise<User | null> | null {
    return userOrNull(ctx, n.authorId);
  }
}

/** A message's sending agent (null for inbound and system messages). */
@Resolver(() => Message)
export class MessageResolver {
  @FieldResolver(() => User, { nullable: true })
  sender(@Root() m: Message, @Ctx() ctx: Context): Promise<User | null> | null {
    return userOrNull(ctx, m.senderId);
  }
}

/** The people and teams of one assignment change. */
@Resolver(() => Assignment)
export class AssignmentResolver {
  @FieldResolver(() => User, { nullable: true })
  fromAssignee(@Root() a: Assignment, @Ctx() ctx: Context) { return userOrNull(ctx, a.fromAssigneeId); }

  @FieldResolver(() => User, { nullable: true })
  toAssignee(@Root() a: Assignment, @Ctx() ctx: Context) { return userOrNull(ctx, a.toAssigneeId); }

  @FieldResolver(() => Team, { nullable: true })
  fromTeam(@Root() a: Assignment, @Ctx() ctx: Context) { return teamOrNull(ctx, a.fromTeamId); }

  @FieldResolver(() => Team, { nullable: true })
  toTeam(@Root() a: Assignment, @Ctx() ctx: Context) { return teamOrNull(ctx, a.toTeamId); }

  @FieldResolver(() => User, { nullable: true, description: "null when an API key or the system made the change" })
  assignedBy(@Root() a: Assignment, @Ctx() ctx: Context) { return userOrNull(ctx, a.assignedById); }
}

/** Who moved a template through its lifecycle. */
@Resolver(() => TemplateEvent)
export class TemplateEventResolver {
  @FieldResolver(() => User, { nullable: true })
  actor(@Root() e: TemplateEvent, @Ctx() ctx: Context): Promise<User | null> | null {
    return userOrNull(ctx, e.actorId);
  }
}
