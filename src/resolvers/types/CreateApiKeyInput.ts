import { Field, ID, InputType } from "type-graphql";
import { ApiScope } from "../../entities/enums";

/** Input of `createApiKey`: a partner app gets only the scopes and teams listed here. */
@InputType()
export class CreateApiKeyInput {
  @Field({ description: "1 to 120 characters" }) name: string;
  @Field(() => [ApiScope], { description: "at least one" }) scopes: ApiScope[];
  @Field(() => [ID], { description: "at least one; every one a team of the organization" }) teamIds: string[];
}
