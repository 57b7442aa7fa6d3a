import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { AuditEntry } from "../../entities/AuditEntry";
import { AuditOutcome } from "../../entities/enums";
import { PageInfo } from "./PageInfo";

@ObjectType()
export class AuditEntryEdge {
  @Field() cursor: string;
  @Field(() => AuditEntry) node: AuditEntry;
}

/** A page of the audit trail, newest first. */
@ObjectType()
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge]) edges: AuditEntryEdge[];
  @Field(() => [AuditEntry]) nodes: AuditEntry[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@InputType()
export class AuditFilter {
  @Field(() => ID, { nullable: true }) actorId?: string;
  @Field({ nullable: true }) action?: string;
  @Field({ nullable: true }) targetType?: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field(() => ID, { nullable: true }) teamId?: string;
  @Field(() => AuditOutcome, { nullable: true }) outcome?: AuditOutcome;
  @Field({ nullable: true }) from?: Date;
  @Field({ nullable: true }) to?: Date;
}
