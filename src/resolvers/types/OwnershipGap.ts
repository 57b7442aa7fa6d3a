import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Conversation } from "../../entities/Conversation";

/** Why an open conversation has nobody effectively owning it. */
export enum OwnershipGapReason {
  UNASSIGNED_TOO_LONG = "UNASSIGNED_TOO_LONG",
  ASSIGNEE_INACTIVE = "ASSIGNEE_INACTIVE",
  ASSIGNEE_NOT_IN_TEAM = "ASSIGNEE_NOT_IN_TEAM",
  IDLE = "IDLE",
}
registerEnumType(OwnershipGapReason, { name: "OwnershipGapReason" });

/** One conversation a supervisor should look at, with every reason that applies. */
@ObjectType()
export class OwnershipGap {
  @Field(() => Conversation) conversation: Conversation;
  @Field(() => [OwnershipGapReason]) reasons: OwnershipGapReason[];
}
