import { DataSource, EntityManager } from "typeorm";

/**
 * The database handle the gateway passes around. SQLite through better-sqlite3 is one
 * connection, so two transactions in flight at once would collide ("cannot start a transaction
 * within a transaction"): there they run one after another through a queue. MySQL keeps real
 * concurrency and relies on compare-and-set and row locks.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  readonly isSqlite: boolean;

  constructor(readonly dataSource: DataSource) {
    this.isSqlite = dataSource.options.type === "better-sqlite3";
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` in one transaction; on SQLite, after every transaction queued before it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.isSqlite) return this.track(this.retryDeadlocks(() => this.dataSource.transaction(work)));
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return this.track(run);
  }

  /** Transactions started and not yet settled (committed, rolled back or failed). */
  private readonly running = new Set<Promise<unknown>>();

  private track<T>(run: Promise<T>): Promise<T> {
    this.running.add(run);
    const done = () => { this.running.delete(run); };
    run.then(done, done);
    return run;
  }

  /** How many transactions are in flight, for shutdown logs. */
  get transactionsInFlight(): number {
    return this.running.size;
  }

  /**
   * Waits until every transaction in flight (and queued behind them) has settled, or `ms` passed;
   * resolves to whether they all did. Shutdown calls this before closing the pool, so no
   * transaction is cut off by the close (one cut off would roll back whole, never half).
   */
  async settle(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((r) => { timer = setTimeout(r, left); }),
      ]);
      clearTimeout(timer);
    }
    return true;
  }

  /**
   * InnoDB may pick a transaction as a deadlock victim and roll it back whole; running it again
   * from the start is the documented remedy, and every write here re-reads what it changes.
   */
  private async retryDeadlocks<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
        if (attempt >= attempts || (code !== "ER_LOCK_DEADLOCK" && code !== "ER_LOCK_WAIT_TIMEOUT")) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  /** Whether the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }
}
