import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, refColumn, timeColumn } from "./columns";

/** A governed taxonomy entry; `nameKey` (lower-cased name) makes names unique per organization. */
@ObjectType()
@Entity("labels")
@Index("uq_labels_org_name", ["organizationId", "nameKey"], { unique: true })
export class Label {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field() @Column({ type: "varchar", length: 64 }) name: string;
  @Column({ type: "varchar", length: 64 }) nameKey: string;
  @Field() @Column({ type: "varchar", length: 7 }) color: string;
  @Field() @Column({ type: "boolean", default: false }) archived: boolean;
  @Column(timeColumn) createdAt: Date;
}
