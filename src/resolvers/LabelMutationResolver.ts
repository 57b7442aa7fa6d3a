import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { applyLabel } from "../commands/applyLabel";
import { archiveLabel } from "../commands/archiveLabel";
import { createLabel } from "../commands/createLabel";
import { removeLabel } from "../commands/removeLabel";
import { renameLabel } from "../commands/renameLabel";
import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { Label } from "../entities/Label";

/** The governed label taxonomy and labels on conversations: thin, each one a command. */
@Resolver(() => Label)
export class LabelMutationResolver {
  @Mutation(() => Label, { description: "Names are unique per organization, case-insensitive; color is #rrggbb" })
  createLabel(@Arg("name", () => String) name: string, @Arg("color", () => String) color: string, @Ctx() ctx: Context): Promise<Label> {
    return createLabel(ctx, name, color);
  }

  @Mutation(() => Label)
  renameLabel(@Arg("id", () => ID) id: string, @Arg("name", () => String) name: string, @Ctx() ctx: Context): Promise<Label> {
    return renameLabel(ctx, id, name);
  }

  @Mutation(() => Label, { description: "It can no longer be applied; conversations that have it keep it" })
  archiveLabel(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Label> {
    return archiveLabel(ctx, id);
  }

  @Mutation(() => Conversation, { description: "CONFLICT if already applied; archived labels cannot be applied" })
  applyLabel(@Arg("conversationId", () => ID) conversationId: string, @Arg("labelId", () => ID) labelId: string, @Ctx() ctx: Context): Promise<Conversation> {
    return applyLabel(ctx, conversationId, labelId);
  }

  @Mutation(() => Conversation, { description: "CONFLICT if the label is not applied" })
  removeLabel(@Arg("conversationId", () => ID) conversationId: string, @Arg("labelId", () => ID) labelId: string, @Ctx() ctx: Context): Promise<Conversation> {
    return removeLabel(ctx, conversationId, labelId);
  }
}
