import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Conversation } from "../../entities/Conversation";
import { ConversationStatus } from "../../entities/enums";
import { PageInfo } from "./PageInfo";

@ObjectType()
export class ConversationEdge {
  @Field() cursor: string;
  @Field(() => Conversation) node: Conversation;
}

/** A page of conversations the viewer may see; `totalCount` counts through the same scope. */
@ObjectType()
export class ConversationConnection {
  @Field(() => [ConversationEdge]) edges: ConversationEdge[];
  @Field(() => [Conversation]) nodes: Conversation[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

/** Filters ANDed into the viewer's row scope; they can narrow it, never widen it. */
@InputType()
export class ConversationFilter {
  @Field(() => ID, { nullable: true }) teamId?: string;
  @Field(() => ConversationStatus, { nullable: true }) status?: ConversationStatus;
  @Field(() => ID, { nullable: true }) assigneeId?: string;
  @Field({ nullable: true, description: "true: only unassigned; false: only assigned" }) unassigned?: boolean;
  @Field(() => [ID], { nullable: true, description: "conversations carrying any of these labels" }) labelIds?: string[];
  @Field({ nullable: true, description: "exact E.164 number; only for those who may read every phone number" }) phoneNumber?: string;
}
