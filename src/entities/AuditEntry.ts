import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, nullableRef, refColumn, timeColumn } from "./columns";
import { ActorType, AuditOutcome, Role } from "./enums";

/**
 * Who did what, when, and whether they were allowed. Append-only; `hash` covers the entry and
 * `prevHash`, chaining each organization's entries so that tampering is detectable.
 */
@ObjectType()
@Entity("audit_entries")
@Index("uq_audit_org_seq", ["organizationId", "seq"], { unique: true })
@Index("idx_audit_org_created", ["organizationId", "createdAt", "id"])
@Index("idx_audit_org_team", ["organizationId", "teamId", "createdAt", "id"])
@Index("idx_audit_target", ["organizationId", "targetType", "targetId"])
export class AuditEntry {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field(() => Int) @Column({ type: "int" }) seq: number;
  @Field(() => String, { nullable: true }) @Column(nullableRef) teamId: string | null;
  @Field(() => ActorType) @Column(enumColumn()) actorType: ActorType;
  @Field(() => String, { nullable: true }) @Column(nullableRef) actorId: string | null;
  @Field(() => Role, { nullable: true }) @Column({ ...enumColumn(), nullable: true }) actorRole: Role | null;
  @Field() @Column({ type: "varchar", length: 64 }) action: string;
  @Field() @Column({ type: "varchar", length: 32 }) targetType: string;
  @Field(() => String, { nullable: true }) @Column(nullableRef) targetId: string | null;
  @Field(() => AuditOutcome) @Column(enumColumn()) outcome: AuditOutcome;
  /** JSON of the changed fields before and after; text so it hashes identically on every database. */
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) before: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) after: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "varchar", length: 64, nullable: true }) requestId: string | null;
  @Column({ type: "varchar", length: 64, nullable: true }) ipAddress: string | null;
  @Column({ type: "varchar", length: 255, nullable: true }) userAgent: string | null;
  @Field(() => Date) @Column(timeColumn) createdAt: Date;
  @Field() @Column({ type: "varchar", length: 64 }) prevHash: string;
  @Field() @Column({ type: "varchar", length: 64 }) hash: string;
}
