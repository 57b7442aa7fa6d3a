import type { EventEmitter } from "node:events";
import { DataSource, Logger as OrmLogger } from "typeorm";
import { createDataSource } from "../ormconfig";
import type { DatabaseConfig } from "./config";
import { Database } from "./db";
import { isSeeded, seedDemo } from "./seed";

/** Connects to the configured database and brings its schema up to date with the migrations. */
export async function openDatabase(config: DatabaseConfig, logger?: OrmLogger): Promise<Database> {
  const dataSource = await createDataSource(config, logger);
  await dataSource.initialize();
  guardPoolConnections(dataSource);
  await dataSource.runMigrations({ transaction: "each" });
  return new Database(dataSource);
}

/**
 * mysql2 emits 'error' on a pooled connection whose server went away, once to drop it from the
 * pool (its own one-shot listener) and possibly again later (a write in closed state): an
 * 'error' without a listener would crash the process. Every pooled connection gets a permanent
 * listener; the failure itself reaches the request that was using the connection.
 */
function guardPoolConnections(dataSource: DataSource): void {
  const pool = (dataSource.driver as { pool?: EventEmitter }).pool;
  if (!pool) return;
  const guard = (connection: EventEmitter) => { connection.on("error", () => {}); };
  pool.on("connection", guard);
  for (const c of (pool as { _allConnections?: { toArray?(): EventEmitter[] } })._allConnections?.toArray?.() ?? []) guard(c);
}

/** Seeds the demo organizations into an empty database; returns whether it did. */
export async function seedDemoIfEmpty(db: Database, now: Date = new Date()): Promise<boolean> {
  return db.transaction(async (manager) => {
    if (await isSeeded(manager)) return false;
    await seedDemo(manager, now);
    return true;
  });
}
