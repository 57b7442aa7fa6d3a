import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableRef, refColumn, timeColumn } from "./columns";
import { DeliveryStatus, MessageDirection } from "./enums";

/** One WhatsApp message, inbound from the contact or outbound from an agent. */
@ObjectType()
@Entity("messages")
@Index("idx_messages_conv", ["conversationId", "createdAt", "id"])
@Index("uq_messages_external", ["organizationId", "externalId"], { unique: true })
export class Message {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) conversationId: string;
  @Field(() => MessageDirection) @Column(enumColumn()) direction: MessageDirection;
  @Field() @Column({ type: "text" }) body: string;
  @Column(nullableRef) templateId: string | null;
  @Column(nullableRef) senderId: string | null;
  @Field(() => DeliveryStatus) @Column(enumColumn(DeliveryStatus.RECEIVED)) status: DeliveryStatus;
  /** WhatsApp's message id (wamid); unique so a redelivered webhook is recognised. */
  @Column({ type: "varchar", length: 128, nullable: true }) externalId: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "varchar", length: 500, nullable: true }) failureReason: string | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
}
