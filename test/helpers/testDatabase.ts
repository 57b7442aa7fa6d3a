import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { Logger, QueryRunner } from "typeorm";
import { DatabaseConfig, parseDatabaseUrl } from "../../src/config";

/** Counts SQL statements, so tests can prove a page costs the same at any size. */
export class QueryCounter implements Logger {
  count = 0;
  logQuery(_query: string, _parameters?: unknown[], _runner?: QueryRunner): void { this.count++; }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** A throw-away database for one test file, and how to drop it. */
export interface TestDatabase {
  config: DatabaseConfig;
  kind: "sqlite" | "mysql";
  drop(): Promise<void>;
}

/**
 * `DATABASE_URL` unset: in-memory SQLite. `mysql://…/<db>`: a fresh database named after it for
 * this test file, so files run in parallel; an unreachable server fails the test, never skips it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const parsed = parseDatabaseUrl(url ?? "sqlite::memory:");
  if (parsed.kind === "sqlite") return { config: { kind: "sqlite", path: ":memory:" }, kind: "sqlite", drop: async () => {} };
  const base = new URL(parsed.url);
  const name = `${base.pathname.slice(1)}_${process.pid}_${randomBytes(3).toString("hex")}`;
  const server = new URL(parsed.url);
  server.pathname = "/";
  const admin = async (sql: string) => {
    const conn = await createConnection({ uri: server.toString(), connectTimeout: 5000 });
    try { await conn.query(sql); } finally { await conn.end(); }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(parsed.url);
  dbUrl.pathname = `/${name}`;
  return { config: { kind: "mysql", url: dbUrl.toString() }, kind: "mysql", drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}
