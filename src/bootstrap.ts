import { Logger as OrmLogger } from "typeorm";
import { createDataSource } from "../ormconfig";
import type { DatabaseConfig } from "./config";
import { Database } from "./db";
import { isSeeded, seedDemo } from "./seed";

/** Connects to the configured database and brings its schema up to date with the migrations. */
export async function openDatabase(config: DatabaseConfig, logger?: OrmLogger): Promise<Database> {
  const dataSource = await createDataSource(config, logger);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  return new Database(dataSource);
}

/** Seeds the demo organizations into an empty database; returns whether it did. */
export async function seedDemoIfEmpty(db: Database, now: Date = new Date()): Promise<boolean> {
  return db.transaction(async (manager) => {
    if (await isSeeded(manager)) return false;
    await seedDemo(manager, now);
    return true;
  });
}
