import { Field, ID, Int, ObjectType } from "type-graphql";
import { User } from "../../entities/User";

/** One assignee's share of a team's queue. */
@ObjectType()
export class AssigneeLoad {
  assigneeId: string;
  @Field(() => User) assignee: User;
  @Field(() => Int) open: number;
  @Field(() => Int) pending: number;
}

/** A team's queue as the viewer may see it: counts go through the viewer's row scope. */
@ObjectType()
export class QueueSnapshot {
  @Field(() => ID) teamId: string;
  @Field(() => Int) open: number;
  @Field(() => Int) unassigned: number;
  @Field(() => Int, { nullable: true }) pending: number | null;
  @Field(() => Int, { nullable: true }) oldestUnassignedAgeSeconds: number | null;
  @Field(() => [AssigneeLoad], { nullable: true }) byAssignee: AssigneeLoad[] | null;
  /** The team's `unassignedAlertMinutes`: how long an open conversation may wait unassigned. */
  @Field(() => Int) alertAfterMinutes: number;
  @Field(() => Int, { nullable: true, description: "Open, unassigned conversations waiting longer than alertAfterMinutes" }) pastAlertCount: number | null;
  @Field() generatedAt: Date;
}
