import { z } from "zod";
import { DEFAULT_LIMITS, OperationLimits } from "./operationLimits";

/** Settings that protect the gateway from hostile clients. */
export interface SecurityConfig {
  limits: OperationLimits;
  /** Browser origins allowed to open WebSockets; null: any in development, none in production. */
  allowedOrigins: string[] | null;
  /** Operations per minute per user or API key, and per IP for failed or missing credentials. */
  rateLimit: { perPrincipalPerMinute: number; perIpPerMinute: number };
  /** Which proxies' X-Forwarded-For to believe for client IPs (express `trust proxy`). */
  trustProxy: string;
}

const positive = z.coerce.number().int().positive();

/** Environment variables read by `securityConfigFrom`; merged into the config schema. */
export const securityEnvShape = {
  ALLOWED_ORIGINS: z.string().optional(),
  TRUST_PROXY: z.string().min(1).optional(),
  RATE_LIMIT_PER_MINUTE: positive.optional(),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: positive.optional(),
  MAX_QUERY_DEPTH: positive.optional(),
  MAX_QUERY_ALIASES: positive.optional(),
  MAX_QUERY_DIRECTIVES: positive.optional(),
  MAX_QUERY_TOKENS: positive.optional(),
  MAX_QUERY_COST: positive.optional(),
};

type SecurityEnv = { [K in keyof typeof securityEnvShape]?: z.infer<(typeof securityEnvShape)[K]> };

/** The defaults used when a variable is unset (and by tests that build a Config by hand). */
export const defaultSecurityConfig = (): SecurityConfig => ({
  limits: { ...DEFAULT_LIMITS },
  allowedOrigins: null,
  rateLimit: { perPrincipalPerMinute: 600, perIpPerMinute: 60 },
  trustProxy: "loopback",
});

/** Builds the security settings from validated environment values. */
export function securityConfigFrom(e: SecurityEnv): SecurityConfig {
  const d = defaultSecurityConfig();
  return {
    limits: {
      depth: e.MAX_QUERY_DEPTH ?? d.limits.depth,
      aliases: e.MAX_QUERY_ALIASES ?? d.limits.aliases,
      directives: e.MAX_QUERY_DIRECTIVES ?? d.limits.directives,
      tokens: e.MAX_QUERY_TOKENS ?? d.limits.tokens,
      cost: e.MAX_QUERY_COST ?? d.limits.cost,
    },
    allowedOrigins: e.ALLOWED_ORIGINS ? e.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : null,
    rateLimit: {
      perPrincipalPerMinute: e.RATE_LIMIT_PER_MINUTE ?? d.rateLimit.perPrincipalPerMinute,
      perIpPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE ?? d.rateLimit.perIpPerMinute,
    },
    trustProxy: e.TRUST_PROXY ?? d.trustProxy,
  };
}
