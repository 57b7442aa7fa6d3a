import { NoSchemaIntrospectionCustomRule, ValidationRule } from "graphql";
import type { Config } from "./config";
import { limitRules } from "./security/operationLimits";
import { defaultSecurityConfig } from "./security/securityConfig";

/**
 * Validation rules beyond the GraphQL specification's, applied alike to HTTP (Apollo) and
 * WebSocket (graphql-ws runs none of Apollo's rules unless given them in `onSubscribe`):
 * depth, alias and directive limits, and no introspection in production.
 */
export function extraValidationRules(config: Pick<Config, "nodeEnv" | "security">, transport: "http" | "ws"): ValidationRule[] {
  const production = config.nodeEnv === "production";
  const limits = (config.security ?? defaultSecurityConfig()).limits;
  // Apollo adds the introspection rule itself when `introspection: false`; graphql-ws does not.
  const introspection = production && transport === "ws" ? [NoSchemaIntrospectionCustomRule] : [];
  return [...limitRules(limits, !production), ...introspection];
}
