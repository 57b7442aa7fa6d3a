import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Conversation } from "../../entities/Conversation";
import { QueueSnapshot } from "./QueueSnapshot";

export enum QueueEventKind {
  CONVERSATION_CREATED = "CONVERSATION_CREATED", ASSIGNED = "ASSIGNED", UNASSIGNED = "UNASSIGNED",
  TRANSFERRED_IN = "TRANSFERRED_IN", TRANSFERRED_OUT = "TRANSFERRED_OUT", STATUS_CHANGED = "STATUS_CHANGED",
  LABELS_CHANGED = "LABELS_CHANGED", MESSAGE_RECEIVED = "MESSAGE_RECEIVED",
}
registerEnumType(QueueEventKind, { name: "QueueEventType" });

export enum AssignmentChange { ASSIGNED = "ASSIGNED", UNASSIGNED = "UNASSIGNED" }
registerEnumType(AssignmentChange, { name: "AssignmentChange" });

/** One change to a team's queue, resolved under the subscriber's own principal. */
@ObjectType()
export class QueueChangedEvent {
  @Field(() => QueueEventKind) type: QueueEventKind;
  @Field(() => ID) teamId: string;
  @Field(() => ID) conversationId: string;
  @Field(() => Conversation, { nullable: true, description: "null when the subscriber may no longer see it" }) conversation: Conversation | null;
  @Field(() => QueueSnapshot) queue: QueueSnapshot;
  @Field() at: Date;
}

/** A conversation assigned to the subscriber or taken from them. */
@ObjectType()
export class AssignmentEvent {
  @Field(() => AssignmentChange) type: AssignmentChange;
  @Field(() => ID) conversationId: string;
  @Field(() => Conversation, { nullable: true, description: "null when the subscriber may no longer see it" }) conversation: Conversation | null;
  @Field() at: Date;
}
