import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../context";
import { Label } from "../entities/Label";

/** The organization's label taxonomy, readable by everyone in it. */
@Resolver(() => Label)
export class LabelResolver {
  @Query(() => [Label])
  labels(@Ctx() ctx: Context, @Arg("includeArchived", { defaultValue: false }) includeArchived: boolean): Promise<Label[]> {
    return ctx.db.manager.find(Label, {
      where: { organizationId: ctx.principal.organizationId, ...(includeArchived ? {} : { archived: false }) },
      order: { name: "ASC" },
    });
  }
}
