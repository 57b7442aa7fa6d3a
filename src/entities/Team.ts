import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { enumColumn, idColumn, refColumn, timeColumn } from "./columns";
import { AgentVisibility } from "./enums";

/** A queue of conversations worked by its members; `agentVisibility` narrows what its agents see. */
@ObjectType()
@Entity("teams")
@Index("idx_teams_org", ["organizationId"])
export class Team {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Field(() => AgentVisibility)
  @Column(enumColumn(AgentVisibility.ASSIGNED_AND_UNASSIGNED)) agentVisibility: AgentVisibility;
  /** Minutes an open conversation may wait unassigned before supervisors are alerted. */
  @Field(() => Int) @Column({ type: "int", default: 15 }) unassignedAlertMinutes: number;
  /** Minutes without activity after which an open conversation counts as idle. */
  @Field(() => Int) @Column({ type: "int", default: 240 }) idleAlertMinutes: number;
  @Column(timeColumn) createdAt: Date;
}
