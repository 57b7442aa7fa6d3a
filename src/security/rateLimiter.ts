import { GraphQLError } from "graphql";
import Redis from "ioredis";
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ErrorCode } from "../errors";
import type { Logger } from "../logger";
import type { SecurityConfig } from "./securityConfig";

/** Per-principal and per-IP operation budgets, shared across instances through Redis when configured. */
export interface RateLimiter {
  /** Spends one operation of a principal (`user:<id>`, `apikey:<id>`); throws RATE_LIMITED when over. */
  consumePrincipal(key: string): Promise<void>;
  /** Spends one unauthenticated attempt of an IP address; throws RATE_LIMITED when over. */
  consumeIp(ip: string): Promise<void>;
  close(): Promise<void>;
}

/** RATE_LIMITED with the seconds to wait, as an extension and (over HTTP) a Retry-After header. */
export function rateLimitedError(msBeforeNext: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GraphQLError("Too many requests", {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) } },
  });
}

function limiter(points: number, prefix: string, redis: Redis | null): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: prefix, points, duration: 60 });
  if (!redis) return memory;
  // If Redis is unreachable each instance falls back to its own in-memory budget.
  return new RateLimiterRedis({ storeClient: redis, keyPrefix: `switchboard:${prefix}`, points, duration: 60, insuranceLimiter: memory });
}

async function consume(l: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw rateLimitedError(res.msBeforeNext);
    throw res;
  }
}

/** Builds the limiter; with a Redis URL the budgets hold across every gateway instance. */
export function createRateLimiter(config: SecurityConfig, redisUrl: string | null, logger: Logger): RateLimiter {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
  // One line per outage, not one per reconnect attempt; budgets fall back to memory meanwhile.
  let lastWarned = 0;
  redis?.on("error", (err: Error) => {
    if (Date.now() - lastWarned < 10_000) return;
    lastWarned = Date.now();
    logger.warn({ err: err.message }, "rate limiter redis unavailable; using per-instance budgets");
  });
  const principals = limiter(config.rateLimit.perPrincipalPerMinute, "rl:principal", redis);
  const ips = limiter(config.rateLimit.perIpPerMinute, "rl:ip", redis);
  return {
    consumePrincipal: (key) => consume(principals, key),
    consumeIp: (ip) => consume(ips, ip),
    close: async () => { redis?.disconnect(); },
  };
}
