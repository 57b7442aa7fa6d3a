import { createConnection } from "mysql2/promise";
import { DataSource, DataSourceOptions, Logger } from "typeorm";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseConfig } from "./src/config";
import { entities } from "./src/entities";
import { migrations } from "./src/migrations";

/** How long opening a MySQL connection may take before the request needing it fails. */
export const DATABASE_CONNECT_TIMEOUT_MS = 2000;

/** TypeORM options for the configured database. Migrations, never `synchronize`. */
export function dataSourceOptions(db: DatabaseConfig, logger?: Logger, flavor: MysqlFlavor = "mysql"): DataSourceOptions {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logger } as const;
  if (db.kind === "mysql") {
    return {
      ...common,
      type: flavor,
      url: db.url,
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      poolSize: 20,
      // Fail fast when the database is away: a new connection gives up after this long, and a
      // request waiting for one fails with SERVICE_UNAVAILABLE instead of hanging (mysql2 has no
      // acquire timeout; this bounds each attempt). TCP keep-alive finds silently dead idle sockets.
      connectTimeout: DATABASE_CONNECT_TIMEOUT_MS,
      extra: { connectTimeout: DATABASE_CONNECT_TIMEOUT_MS, enableKeepAlive: true, keepAliveInitialDelay: 10_000 },
    };
  }
  if (db.path !== ":memory:") mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: "better-sqlite3",
    database: db.path,
    prepareDatabase: (conn: { pragma(s: string): unknown }) => {
      if (db.path !== ":memory:") conn.pragma("journal_mode = WAL");
      conn.pragma("busy_timeout = 5000");
    },
  };
}

/** Which MySQL-protocol server it is: TypeORM reads column defaults differently on MariaDB. */
export type MysqlFlavor = "mysql" | "mariadb";

/** Asks the server its version; an unreachable server fails here, at start, with its own error. */
export async function detectMysqlFlavor(url: string): Promise<MysqlFlavor> {
  const conn = await createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query("SELECT VERSION() AS v");
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? "mariadb" : "mysql";
  } finally {
    await conn.end();
  }
}

/** A DataSource for the configured database, not yet initialized. */
export async function createDataSource(db: DatabaseConfig, logger?: Logger): Promise<DataSource> {
  const flavor = db.kind === "mysql" ? await detectMysqlFlavor(db.url) : undefined;
  return new DataSource(dataSourceOptions(db, logger, flavor));
}
