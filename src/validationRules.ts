import { NoSchemaIntrospectionCustomRule, ValidationRule } from "graphql";
import type { Config } from "./config";

/**
 * Validation rules beyond the GraphQL specification's, applied alike to HTTP (Apollo) and
 * WebSocket (graphql-ws runs none of Apollo's rules unless given them in `onSubscribe`).
 */
export function extraValidationRules(config: Pick<Config, "nodeEnv">): ValidationRule[] {
  return config.nodeEnv === "production" ? [NoSchemaIntrospectionCustomRule] : [];
}
