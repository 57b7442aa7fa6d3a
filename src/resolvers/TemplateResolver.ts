import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context";
import { TemplateStatus } from "../entities/enums";
import { Team } from "../entities/Team";
import { Template } from "../entities/Template";
import { TemplateEvent } from "../entities/TemplateEvent";
import { User } from "../entities/User";
import { templateVisible } from "../permissions/scopes";
import { teamsByIds } from "./UserResolver";

/** Message templates, scoped per viewer; governance fields are behind the supervisor rule. */
@Resolver(() => Template)
export class TemplateResolver {
  @Query(() => [Template], { nullable: true, description: "Agents see only APPROVED templates usable by their teams" })
  async templates(@Ctx() ctx: Context, @Arg("status", () => TemplateStatus, { nullable: true }) status?: TemplateStatus): Promise<Template[]> {
    const rows = await ctx.db.manager.find(Template, {
      where: { organizationId: ctx.principal.organizationId, ...(status ? { status } : {}) },
      order: { name: "ASC", id: "ASC" },
    });
    return rows.filter((t) => templateVisible(ctx.principal, t));
  }

  @FieldResolver(() => [Team], { description: "Teams that may use it; empty means every team" })
  teams(@Root() t: Template, @Ctx() ctx: Context): Promise<Team[]> {
    return teamsByIds(ctx, t.teamIds);
  }

  @FieldResolver(() => String, { nullable: true })
  rejectionReason(@Root() t: Template): string | null {
    return t.rejectionReason;
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() t: Template, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(t.createdById);
  }

  @FieldResolver(() => User, { nullable: true })
  lastEditedBy(@Root() t: Template, @Ctx() ctx: Context): Promise<User | null> | null {
    return t.lastEditedById ? ctx.loaders.user.load(t.lastEditedById) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  approvedBy(@Root() t: Template, @Ctx() ctx: Context): Promise<User | null> | null {
    return t.approvedById ? ctx.loaders.user.load(t.approvedById) : null;
  }

  @FieldResolver(() => [TemplateEvent], { nullable: true })
  history(@Root() t: Template, @Ctx() ctx: Context): Promise<TemplateEvent[]> {
    return ctx.loaders.templateEvents.load(t.id);
  }
}
