/**
 * One gateway variant in a child process of the harness, so the load generator and the server
 * under test do not share an event loop. Listens on 127.0.0.1 only, reports its port over IPC,
 * and stops when the parent says so (or goes away). `--cpu-prof` from the parent applies here.
 *
 * Variants: `governed` (what production runs), `authorization-off`, `audit-off`, and `bare`: an
 * Apollo Server with no database, no authentication and no rules, answering from memory.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { printSchema } from "graphql";
import { openDatabase } from "../src/bootstrap";
import type { Config, DatabaseConfig } from "../src/config";
import type { BenchSwitches } from "../src/context";
import { createLogger } from "../src/logger";
import { buildBareSchema } from "../src/schema";
import { createGateway } from "../src/server";
import { defaultSecurityConfig } from "../src/security/securityConfig";

/** What the parent passes in BENCH_GATEWAY (JSON). */
export interface GatewaySpec {
  variant: "governed" | "authorization-off" | "audit-off" | "bare";
  database: DatabaseConfig;
  jwtSecretHex: string;
  maxPageSize: number;
}

/** Messages between the harness and a gateway process. */
export type ToGateway = { type: "stop" } | { type: "answer"; data: unknown } | { type: "cpu" };
export type FromGateway = { type: "ready"; port: number } | { type: "answering" } | { type: "cpu"; micros: number } | { type: "error"; message: string };

const send = (m: FromGateway): void => { process.send?.(m); };

/** The bench's configuration: the production code paths, with budgets no load test would hit. */
export function benchConfig(spec: GatewaySpec): Config {
  const security = defaultSecurityConfig();
  // Rate limits and the cost limit are operator settings (RATE_LIMIT_PER_MINUTE, MAX_QUERY_COST);
  // a load test from one principal must not be throttled, and a 1,000-row page must be allowed.
  security.rateLimit = { perPrincipalPerMinute: 1_000_000_000, perIpPerMinute: 1_000_000_000 };
  security.limits = { ...security.limits, cost: 1_000_000_000 };
  return {
    port: 0, nodeEnv: "test", database: spec.database, jwtSecret: Buffer.from(spec.jwtSecretHex, "hex"), seedDemo: false,
    logLevel: "silent", redisUrl: null, security,
  };
}

const switchesFor = (spec: GatewaySpec): BenchSwitches => ({
  maxPageSize: spec.maxPageSize,
  ...(spec.variant === "authorization-off" ? { authorization: "off" as const } : {}),
  ...(spec.variant === "audit-off" ? { auditWrites: "off" as const } : {}),
});

async function startGoverned(spec: GatewaySpec): Promise<() => Promise<void>> {
  const db = await openDatabase(spec.database);
  const gateway = await createGateway({ config: benchConfig(spec), db, logger: createLogger("silent"), bench: switchesFor(spec) });
  await new Promise<void>((resolve) => gateway.httpServer.listen(0, "127.0.0.1", resolve));
  send({ type: "ready", port: (gateway.httpServer.address() as { port: number }).port });
  return async () => {
    await gateway.stop();
    await db.dataSource.destroy();
  };
}

/**
 * The framework's ceiling: the same Apollo Server and express, the same SDL, no database, no
 * authentication, no rules; `conversations` returns the JSON the governed gateway produced.
 */
async function startBare(): Promise<() => Promise<void>> {
  let answer: unknown = null;
  process.on("message", (m: ToGateway) => {
    if (m.type === "answer") { answer = m.data; send({ type: "answering" }); }
  });
  const apollo = new ApolloServer({
    typeDefs: printSchema(buildBareSchema()),
    resolvers: { Query: { conversations: () => answer } },
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
  });
  await apollo.start();
  const app = express();
  app.disable("x-powered-by");
  app.use("/graphql", express.json({ limit: "100kb" }), expressMiddleware(apollo));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  send({ type: "ready", port: (server.address() as { port: number }).port });
  return async () => {
    await apollo.stop();
    await new Promise((resolve) => server.close(resolve));
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_GATEWAY ?? "null") as GatewaySpec | null;
  if (!spec) throw new Error("BENCH_GATEWAY is not set: this file is started by bench/run.ts");
  const stop = spec.variant === "bare" ? await startBare() : await startGoverned(spec);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch(() => undefined);
    process.exit(0); // --cpu-prof writes its profile on exit
  };
  process.on("message", (m: ToGateway) => {
    if (m.type === "stop") void shutdown();
    // CPU this process has used (every thread): requests per CPU-second is the server's capacity
    // on one core, which other processes on a shared machine cannot inflate.
    if (m.type === "cpu") { const u = process.cpuUsage(); send({ type: "cpu", micros: u.user + u.system }); }
  });
  process.on("disconnect", () => { void shutdown(); });
}

if (require.main === module) {
  main().catch((err: Error) => {
    send({ type: "error", message: err.stack ?? err.message });
    process.exit(1);
  });
}
