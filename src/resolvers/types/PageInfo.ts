import { Field, ObjectType } from "type-graphql";

/** Relay page information. */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}
