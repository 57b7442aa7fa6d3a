import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { writeHeapSnapshot } from "node:v8";
import { openDatabase } from "../../src/bootstrap";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { createGateway } from "../../src/server";
import { liveRenderStats } from "../../src/subscriptions/liveExecution";
import type { Logger as OrmLogger } from "typeorm";

/** With BENCH_COUNT_QUERIES=1: SQL statements by their first 100 characters (count and total ms), for diagnosis. */
const queries = new Map<string, number>();
const queryMs = new Map<string, number>();
const countingLogger: OrmLogger = {
  logQuery: (q: string) => { const k = q.slice(0, 100); queries.set(k, (queries.get(k) ?? 0) + 1); },
  logQuerySlow: (ms: number, q: string) => { const k = q.slice(0, 100); queryMs.set(k, (queryMs.get(k) ?? 0) + ms); },
  logQueryError: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined,
};

/**
 * The gateway under test, in a process of its own so that its RSS (read by the parent from
 * /proc/<pid>/status) is the gateway's alone. Configured from the environment like `npm start`,
 * bound to 127.0.0.1 on a free port that it reports to the parent over IPC.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.database, process.env.BENCH_COUNT_QUERIES === "1" ? countingLogger : undefined);
  // Every statement counts as "slow", so that TypeORM reports its execution time.
  if (process.env.BENCH_COUNT_QUERIES === "1") Object.assign(db.dataSource.options, { maxQueryExecutionTime: 1e-9 });
  // Diagnosis only: how much of the latency is the SQLite commit's fsync on the event loop.
  if (db.isSqlite && process.env.BENCH_SQLITE_SYNCHRONOUS) await db.dataSource.query(`PRAGMA synchronous = ${process.env.BENCH_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL"}`);
  const gateway = await createGateway({ config, db, logger });
  await new Promise<void>((resolve, reject) => {
    gateway.httpServer.once("error", reject);
    gateway.httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const address = gateway.httpServer.address();
  const port = typeof address === "object" && address ? address.port : 0;

  let profiler: Session | null = null;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // GC pauses on the main thread, by kind (minor: scavenges, major: mark-compact).
  const gc: Record<string, { count: number; ms: number; maxMs: number }> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ({ [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_MAJOR]: "major", [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental", [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb" } as Record<number, string>)[(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other";
      const g = (gc[kind] ??= { count: 0, ms: 0, maxMs: 0 });
      g.count++;
      g.ms = Math.round(g.ms + e.duration);
      g.maxMs = Math.max(g.maxMs, Math.round(e.duration));
    }
  }).observe({ entryTypes: ["gc"] });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 5000);
    force.unref();
    try {
      await gateway.stop();
      await db.dataSource.destroy();
    } finally {
      process.exit(code); // exiting normally lets --cpu-prof write its profile
    }
  };
  process.on("message", (msg: { type?: string }) => {
    if (msg?.type === "stop") void stop(0);
    // A CPU profile of the measured phase only (not start-up and connecting), for `--cpu-prof`.
    if (msg?.type === "profile-start") {
      profiler = new Session();
      profiler.connect();
      profiler.post("Profiler.enable", () => profiler!.post("Profiler.start", () => process.send?.({ type: "profile-started" })));
    }
    if (msg?.type === "profile-stop" && profiler) {
      const session = profiler;
      session.post("Profiler.stop", (err, result) => {
        const file = (msg as { file?: string }).file!;
        if (!err) writeFileSync(file, JSON.stringify(result.profile));
        session.disconnect();
        process.send?.({ type: "profile-stopped", file: err ? null : file });
      });
      profiler = null;
    }
    if (msg?.type === "heapsnapshot") {
      const file = writeHeapSnapshot((msg as { file?: string }).file);
      process.send?.({ type: "heapsnapshot", file });
    }
    // The measured phase starts: event-loop delay and GC pauses are counted from here.
    if (msg?.type === "reset-stats") {
      loopDelay.reset();
      for (const k of Object.keys(gc)) delete gc[k];
      process.send?.({ type: "stats-reset" });
    }
    if (msg?.type === "memory") {
      const m = process.memoryUsage();
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      process.send?.({ type: "memory", gc, loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }, renders: liveRenderStats, queries: Object.fromEntries([...queries].map(([q, n]) => [q, `${n}× ${Math.round(queryMs.get(q) ?? 0)} ms`])), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
    }
  });
  // The parent went away (crashed or was killed): do not outlive it.
  process.on("disconnect", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));
  process.send?.({ type: "ready", port, pid: process.pid });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench gateway failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
