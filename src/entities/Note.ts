import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableTime, refColumn, timeColumn } from "./columns";
import { NoteVisibility } from "./enums";

/** An internal note on a conversation; never sent to the customer. */
@ObjectType()
@Entity("notes")
@Index("idx_notes_conv", ["conversationId", "createdAt", "id"])
export class Note {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) conversationId: string;
  @Column(refColumn) authorId: string;
  @Field() @Column({ type: "text" }) body: string;
  @Field(() => NoteVisibility) @Column(enumColumn(NoteVisibility.TEAM)) visibility: NoteVisibility;
  @Field(() => Date, { nullable: true }) @Column(nullableTime) editedAt: Date | null;
  /** Soft delete: the row stays for the audit trail but is never read again. */
  @Column(nullableTime) deletedAt: Date | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
}
