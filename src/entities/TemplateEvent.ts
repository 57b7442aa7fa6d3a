import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableRef, refColumn, timeColumn } from "./columns";
import { TemplateStatus } from "./enums";

/** One lifecycle transition of a template: `Template.history`. */
@ObjectType()
@Entity("template_events")
@Index("idx_template_events_tpl", ["templateId", "createdAt", "id"])
export class TemplateEvent {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) templateId: string;
  @Field(() => TemplateStatus, { nullable: true }) @Column({ ...enumColumn(), nullable: true }) fromStatus: TemplateStatus | null;
  @Field(() => TemplateStatus) @Column(enumColumn()) toStatus: TemplateStatus;
  @Column(nullableRef) actorId: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "varchar", length: 500, nullable: true }) reason: string | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
}
