import { Field, InputType, Int } from "type-graphql";
import { AgentVisibility } from "../../entities/enums";

/** Input of `updateTeamSettings`: only the settings given change; at least one is required. */
@InputType()
export class TeamSettingsInput {
  @Field(() => AgentVisibility, { nullable: true }) agentVisibility?: AgentVisibility;
  @Field(() => Int, { nullable: true, description: "1 to 10080 (a week)" }) unassignedAlertMinutes?: number;
  @Field(() => Int, { nullable: true, description: "1 to 43200 (30 days)" }) idleAlertMinutes?: number;
}
