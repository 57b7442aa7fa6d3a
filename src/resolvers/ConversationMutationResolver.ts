import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { assignConversation } from "../commands/assignConversation";
import { claimConversation } from "../commands/claimConversation";
import { setConversationStatus } from "../commands/setConversationStatus";
import { transferConversation } from "../commands/transferConversation";
import { unassignConversation } from "../commands/unassignConversation";
import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { ConversationStatus } from "../entities/enums";
import { AssignConversationInput } from "./types/AssignConversationInput";

/** Assignment and status changes: thin, each one a command. */
@Resolver(() => Conversation)
export class ConversationMutationResolver {
  @Mutation(() => Conversation, { description: "Take an unassigned conversation; CONFLICT if someone else was first" })
  claimConversation(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return claimConversation(ctx, id);
  }

  @Mutation(() => Conversation)
  assignConversation(@Arg("input", () => AssignConversationInput) input: AssignConversationInput, @Ctx() ctx: Context): Promise<Conversation> {
    return assignConversation(ctx, input);
  }

  @Mutation(() => Conversation, { description: "Return it to the team queue" })
  unassignConversation(
    @Arg("id", () => ID) id: string, @Ctx() ctx: Context, @Arg("reason", () => String, { nullable: true }) reason?: string,
  ): Promise<Conversation> {
    return unassignConversation(ctx, id, reason);
  }

  @Mutation(() => Conversation, { description: "Move it to another team's queue, unassigned" })
  transferConversation(
    @Arg("id", () => ID) id: string, @Arg("teamId", () => ID) teamId: string, @Ctx() ctx: Context,
    @Arg("reason", () => String, { nullable: true }) reason?: string,
  ): Promise<Conversation> {
    return transferConversation(ctx, id, teamId, reason);
  }

  @Mutation(() => Conversation)
  setConversationStatus(
    @Arg("id", () => ID) id: string, @Arg("status", () => ConversationStatus) status: ConversationStatus, @Ctx() ctx: Context,
  ): Promise<Conversation> {
    return setConversationStatus(ctx, id, status);
  }
}
