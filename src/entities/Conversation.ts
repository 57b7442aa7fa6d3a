import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableRef, nullableTime, refColumn, timeColumn } from "./columns";
import { ConversationStatus, Priority } from "./enums";

/**
 * A thread with one contact, worked by one team. `version` is bumped by every write and is the
 * compare-and-set token for concurrent assignment.
 */
@ObjectType()
@Entity("conversations")
@Index("idx_conv_queue", ["organizationId", "teamId", "status", "createdAt", "id"])
@Index("idx_conv_assignee", ["organizationId", "assigneeId", "status", "createdAt", "id"])
@Index("idx_conv_org_created", ["organizationId", "createdAt", "id"])
@Index("idx_conv_contact", ["contactId"])
export class Conversation {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) teamId: string;
  @Column(refColumn) contactId: string;
  @Field(() => ConversationStatus) @Column(enumColumn(ConversationStatus.OPEN)) status: ConversationStatus;
  @Field(() => Priority) @Column(enumColumn(Priority.NORMAL)) priority: Priority;
  @Column(nullableRef) assigneeId: string | null;
  @Field(() => Int) @Column({ type: "int", default: 1 }) version: number;
  @Field(() => Date, { nullable: true }) @Column(nullableTime) lastInboundAt: Date | null;
  /** When the customer started waiting for a reply; null while nobody is waiting. */
  @Field(() => Date, { nullable: true }) @Column(nullableTime) waitingSince: Date | null;
  @Field(() => Date) @Column(timeColumn) lastActivityAt: Date;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
  @Field(() => Date) @Column(timeColumn) updatedAt: Date;
}
