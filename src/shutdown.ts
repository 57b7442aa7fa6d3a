import { DEFAULT_SHUTDOWN_GRACE_MS } from "./config";
import type { Database } from "./db";
import type { Logger } from "./logger";
import type { Gateway } from "./server";

export interface ShutdownDeps {
  gateway: Pick<Gateway, "stop">;
  db: Database;
  logger: Logger;
  /** The whole budget from the first signal to exit; past it the process exits with 1. */
  graceMs?: number;
  /** process.exit; injectable for tests. */
  exit?: (code: number) => void;
  /** The signals handled; tests pass none and call the returned function. */
  signals?: readonly NodeJS.Signals[];
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: WebSockets are closed with 1001, the HTTP server stops
 * accepting and lets in-flight requests finish (their transactions with them), transactions still
 * running are waited for, the pool is closed, and the process exits 0. A second signal, or the
 * grace period running out, exits at once with 1 (logged): a transaction cut off then rolls back
 * whole, since every audited write and its audit entry commit together.
 *
 * Returns the shutdown function (also for tests) after installing the signal handlers.
 */
export function installShutdown(deps: ShutdownDeps): (signal: string) => Promise<void> {
  const { gateway, db, logger } = deps;
  const graceMs = deps.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let started: number | null = null;

  const shutdown = async (signal: string): Promise<void> => {
    if (started !== null) {
      logger.error({ signal, elapsedMs: Date.now() - started, transactionsInFlight: db.transactionsInFlight }, "second signal during shutdown: exiting now");
      exit(1);
      return;
    }
    started = Date.now();
    const since = started;
    logger.info({ signal, graceMs }, "shutting down: closing WebSockets, draining HTTP requests and transactions");
    const deadline = setTimeout(() => {
      logger.error({ graceMs, transactionsInFlight: db.transactionsInFlight }, "shutdown grace period over: exiting now");
      exit(1);
    }, graceMs);
    try {
      await gateway.stop();
      const settled = await db.settle(Math.max(0, since + graceMs - Date.now() - 250));
      if (!settled) logger.warn({ transactionsInFlight: db.transactionsInFlight }, "transactions still running at shutdown; they roll back whole");
      await db.dataSource.destroy();
      clearTimeout(deadline);
      if (settled) logger.info({ signal, ms: Date.now() - since }, "shut down cleanly");
      else logger.error({ signal, ms: Date.now() - since }, "shut down with transactions cut off");
      exit(settled ? 0 : 1);
    } catch (err) {
      clearTimeout(deadline);
      logger.error({ err }, "shutdown failed");
      exit(1);
    }
  };

  for (const signal of deps.signals ?? ["SIGTERM", "SIGINT"]) process.on(signal, () => void shutdown(signal));
  return shutdown;
}
