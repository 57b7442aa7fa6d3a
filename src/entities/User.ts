import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableTime, refColumn, timeColumn } from "./columns";
import { Role } from "./enums";

/** A person who signs in with a JWT. Role and `active` are read from here on every request. */
@ObjectType()
@Entity("users")
@Index("idx_users_org", ["organizationId"])
@Index("uq_users_email", ["email"], { unique: true })
export class User {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  /** Restricted (POLICY.md): resolved by UserResolver behind a rule. */
  @Column({ type: "varchar", length: 190 }) email: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Field(() => Role) @Column(enumColumn(Role.AGENT)) role: Role;
  @Field() @Column({ type: "boolean", default: true }) active: boolean;
  @Column(nullableTime) lastActiveAt: Date | null;
  @Column(timeColumn) createdAt: Date;
}
