import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { sendMessage } from "../commands/sendMessage";
import { sendTemplate } from "../commands/sendTemplate";
import type { Context } from "../context";
import { Message } from "../entities/Message";
import { TemplateVariableInput } from "./types/TemplateInputs";

/** Writing to the customer: thin, each one a command; delivery happens in the outbox worker. */
@Resolver(() => Message)
export class MessageMutationResolver {
  @Mutation(() => Message, { description: "Free text by the assignee, inside the 24-hour window only (else WINDOW_CLOSED); stored QUEUED" })
  sendMessage(@Arg("conversationId", () => ID) conversationId: string, @Arg("text", () => String) text: string, @Ctx() ctx: Context): Promise<Message> {
    return sendMessage(ctx, conversationId, text);
  }

  @Mutation(() => Message, { description: "An APPROVED template usable by the conversation's team, by the assignee, also outside the window; stored QUEUED" })
  sendTemplate(
    @Arg("conversationId", () => ID) conversationId: string, @Arg("templateId", () => ID) templateId: string, @Ctx() ctx: Context,
    @Arg("variables", () => [TemplateVariableInput], { defaultValue: [], description: "Fill the placeholders exactly: names 1, 2, … or the named ones" })
    variables: TemplateVariableInput[],
  ): Promise<Message> {
    return sendTemplate(ctx, conversationId, templateId, variables);
  }
}
