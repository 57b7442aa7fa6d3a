import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableRef, refColumn, timeColumn } from "./columns";
import { TemplateCategory, TemplateStatus } from "./enums";

/** A WhatsApp message template; only APPROVED ones may be sent outside the service window. */
@ObjectType()
@Entity("templates")
@Index("idx_templates_org_status", ["organizationId", "status"])
@Index("uq_templates_org_name_lang", ["organizationId", "name", "language"], { unique: true })
export class Template {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Field() @Column({ type: "varchar", length: 16 }) language: string;
  @Field(() => TemplateCategory) @Column(enumColumn()) category: TemplateCategory;
  @Field() @Column({ type: "text" }) body: string;
  /** Placeholder names in order of first appearance (`1`, `2` or `customer_name`). */
  @Field(() => [String]) @Column({ type: "simple-json" }) placeholders: string[];
  @Field(() => TemplateStatus) @Column(enumColumn(TemplateStatus.DRAFT)) status: TemplateStatus;
  /** Teams that may use it; empty means every team. */
  @Column({ type: "simple-json" }) teamIds: string[];
  @Column(refColumn) createdById: string;
  @Column(nullableRef) lastEditedById: string | null;
  @Column(nullableRef) approvedById: string | null;
  @Column({ type: "varchar", length: 500, nullable: true }) rejectionReason: string | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
  @Field(() => Date) @Column(timeColumn) updatedAt: Date;
}
