import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { createApiKey } from "../commands/createApiKey";
import { revokeApiKey } from "../commands/revokeApiKey";
import type { Context } from "../context";
import { ApiKey } from "../entities/ApiKey";
import { CreateApiKeyInput } from "./types/CreateApiKeyInput";
import { CreatedApiKey } from "./types/CreatedApiKey";

/** Partner credentials: thin, each one a command (ADMIN, by the shield and again in the command). */
@Resolver()
export class ApiKeyMutationResolver {
  @Mutation(() => CreatedApiKey, { description: "The secret is in this answer only; store it now" })
  createApiKey(@Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    return createApiKey(ctx, input);
  }

  @Mutation(() => ApiKey, { description: "Its next request is UNAUTHENTICATED; revoking twice is CONFLICT" })
  revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return revokeApiKey(ctx, id);
  }
}
