import { Field, ObjectType } from "type-graphql";
import { ApiKey } from "../../entities/ApiKey";

/** The answer to `createApiKey`: the only time the secret is ever shown. */
@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey: ApiKey;
  @Field({ description: "Shown once; only its hash is stored" }) secret: string;
  @Field({ description: "The Authorization header value: `ApiKey <id>.<secret>`" }) authorization: string;
}
