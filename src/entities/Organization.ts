import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, timeColumn } from "./columns";

/** The tenant: every other row belongs to exactly one organization. */
@ObjectType()
@Entity("organizations")
@Index("uq_organizations_slug", ["slug"], { unique: true })
export class Organization {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Field() @Column({ type: "varchar", length: 64 }) slug: string;
  @Column(timeColumn) createdAt: Date;
}
