import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { SecurityConfig, securityConfigFrom, securityEnvShape } from "./security/securityConfig";
import { ObservabilityConfig, observabilityConfigFrom, observabilityEnvShape } from "./observability/config";
import { WhatsAppConfig, whatsappConfigFrom, whatsappEnvShape } from "./messaging/whatsappConfig";

/** Where the embedded database and the generated development secret live. */
export const DATA_DIR = resolve(process.cwd(), "data");

export type DatabaseConfig =
  | { kind: "sqlite"; path: string } // ":memory:" for throw-away test databases
  | { kind: "mysql"; url: string };

/** The gateway's settings, validated once at start. */
export interface Config {
  port: number;
  nodeEnv: "development" | "test" | "production";
  database: DatabaseConfig;
  jwtSecret: Uint8Array;
  seedDemo: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  redisUrl: string | null;
  /** WhatsApp Cloud API, webhook and outbox settings; absent: none configured, no background delivery. */
  whatsapp?: WhatsAppConfig;
  /** Operation limits, allowed origins and rate limits; absent: the defaults. */
  security?: SecurityConfig;
  /** `METRICS_TOKEN` for `GET /metrics`; absent: no token (the endpoint is open). */
  observability?: ObservabilityConfig;
  /** `SHUTDOWN_GRACE_MS`: how long a SIGTERM may take before the process exits anyway; absent: the default. */
  shutdownGraceMs?: number;
}

/** The grace period on SIGTERM when `SHUTDOWN_GRACE_MS` is unset (Kubernetes waits 30 s by default). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * The part of the grace period in-flight HTTP requests get to finish before their connections are
 * cut: the rest is kept for the transactions still running and for closing the database.
 */
export function drainGraceMs(config: Pick<Config, "shutdownGraceMs">): number {
  const grace = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  return Math.max(0, grace - Math.min(2000, Math.floor(grace / 4)));
}

/** Raised with every problem found, so an operator fixes the environment in one go. */
export class ConfigError extends Error {}

const boolish = z.enum(["1", "0", "true", "false", "yes", "no"]).transform((v) => ["1", "true", "yes"].includes(v));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().trim().min(1).optional(),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  SEED_DEMO: boolish.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://").optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(1000, "SHUTDOWN_GRACE_MS must be at least 1000").max(600_000, "SHUTDOWN_GRACE_MS must be at most 600000").optional(),
  ...whatsappEnvShape,
  ...securityEnvShape,
  ...observabilityEnvShape,
});

/** `DATABASE_URL` → which database: unset is the embedded SQLite file under ./data/. */
export function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (!url) return { kind: "sqlite", path: resolve(DATA_DIR, "switchboard.sqlite") };
  if (url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  if (url.startsWith("sqlite:")) return { kind: "sqlite", path: resolve(url.slice("sqlite:".length)) };
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    try {
      const parsed = new URL(url);
      if (!parsed.pathname || parsed.pathname === "/") throw new ConfigError("DATABASE_URL must name a database: mysql://user@host:3306/<database>");
      return { kind: "mysql", url: url.replace(/^mariadb:/, "mysql:") };
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError("DATABASE_URL is not a valid URL");
    }
  }
  throw new ConfigError("DATABASE_URL must be sqlite:<path>, sqlite::memory: or mysql://…");
}

/** Outside production an unset JWT_SECRET is generated once and kept under ./data/. */
function developmentSecret(): string {
  const file = resolve(DATA_DIR, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Reads and validates the environment; throws a ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = result.data;
  if (e.NODE_ENV === "production" && !e.JWT_SECRET) {
    throw new ConfigError("Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production");
  }
  return {
    port: e.PORT,
    nodeEnv: e.NODE_ENV,
    database: parseDatabaseUrl(e.DATABASE_URL),
    jwtSecret: new TextEncoder().encode(e.JWT_SECRET ?? developmentSecret()),
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== "production",
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    redisUrl: e.REDIS_URL ?? null,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS,
    whatsapp: whatsappConfigFrom(e),
    security: securityConfigFrom(e),
    observability: observabilityConfigFrom(e),
  };
}
