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
    if (!this.isSqlite) return this.dataSource.transaction(work);
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
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
