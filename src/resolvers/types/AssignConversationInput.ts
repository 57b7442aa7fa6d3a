import { Field, ID, InputType, Int } from "type-graphql";

/** Input of `assignConversation`; partner apps send `idempotencyKey` so retries are safe. */
@InputType()
export class AssignConversationInput {
  @Field(() => ID) conversationId: string;
  @Field(() => ID) assigneeId: string;
  @Field(() => Int, { nullable: true, description: "CONFLICT unless the conversation is still at this version" }) expectedVersion?: number;
  @Field({ nullable: true }) reason?: string;
  @Field({ nullable: true, description: "The same key and input replay the first result for 48 hours" }) idempotencyKey?: string;
}
