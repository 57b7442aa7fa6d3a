import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, nullableTime, refColumn, timeColumn } from "./columns";
import { ApiScope } from "./enums";

/** A partner app's credential: `ApiKey <id>.<secret>`; only a SHA-256 of the secret is stored. */
@ObjectType()
@Entity("api_keys")
@Index("idx_api_keys_org", ["organizationId"])
export class ApiKey {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Column({ type: "varchar", length: 64 }) secretHash: string;
  @Field(() => [ApiScope]) @Column({ type: "simple-json" }) scopes: ApiScope[];
  @Field(() => [String]) @Column({ type: "simple-json" }) teamIds: string[];
  @Column(refColumn) createdById: string;
  @Field(() => Date, { nullable: true }) @Column(nullableTime) revokedAt: Date | null;
  @Column(nullableTime) lastUsedAt: Date | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
}
