import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { HelmetOptions } from "helmet";
import { costError, OperationLimits } from "./operationLimits";

/** Rejects operations whose cost (lists multiplied by their page size) is over the limit, before they run. */
export const costLimitPlugin = <T extends object>(schema: GraphQLSchema, limits: OperationLimits, exposeLimits: boolean): ApolloServerPlugin<T> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request, operationName }) {
        const error = costError(schema, document, request.variables, operationName, limits, exposeLimits);
        if (error) throw error;
      },
    };
  },
});

/** "Did you mean …?" tells an attacker the schema; production drops it (OWASP). */
export const withoutSuggestions = (format: (e: GraphQLFormattedError) => GraphQLFormattedError, production: boolean) =>
  (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const out = format(formatted);
    return production ? { ...out, message: out.message.replace(/ ?Did you mean .+\?$/s, "") } : out;
  };

/** Security headers; the development landing page needs inline scripts, so its CSP is off outside production. */
export const helmetOptions = (production: boolean): HelmetOptions => ({
  contentSecurityPolicy: production ? undefined : false,
  crossOriginEmbedderPolicy: false,
});
