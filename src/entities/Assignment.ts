import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, nullableRef, refColumn, timeColumn } from "./columns";

/** One change of a conversation's owner or team: the assignment history supervisors review. */
@ObjectType()
@Entity("assignments")
@Index("idx_assignments_conv", ["conversationId", "createdAt", "id"])
export class Assignment {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) conversationId: string;
  @Field() @Column({ type: "varchar", length: 32 }) action: string;
  @Column(nullableRef) fromAssigneeId: string | null;
  @Column(nullableRef) toAssigneeId: string | null;
  @Column(nullableRef) fromTeamId: string | null;
  @Column(nullableRef) toTeamId: string | null;
  @Column(nullableRef) assignedById: string | null;
  @Column(nullableRef) assignedByApiKeyId: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "varchar", length: 500, nullable: true }) reason: string | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
}
