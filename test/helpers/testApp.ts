import "reflect-metadata";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { signUserToken } from "../../src/auth/tokens";
import { openDatabase } from "../../src/bootstrap";
import type { Config } from "../../src/config";
import type { Database } from "../../src/db";
import { createLogger } from "../../src/logger";
import { DemoSeed, seedDemo } from "../../src/seed";
import { defaultSecurityConfig } from "../../src/security/securityConfig";
import { createGateway, Gateway } from "../../src/server";
import { createTestDatabase, QueryCounter, TestDatabase } from "./testDatabase";

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[] };
}

/** A running gateway on a fresh, seeded database, reached over real HTTP. */
export interface TestApp {
  url: string;
  db: Database;
  testDb: TestDatabase;
  seed: DemoSeed;
  config: Config;
  gateway: Gateway;
  queries: QueryCounter;
  /** A bearer token for a demo user by email. */
  token(email: string, expiresIn?: string): Promise<string>;
  /** POSTs a GraphQL operation with the given Authorization header value (or none). */
  gqlWithAuth<T = Record<string, any>>(authorization: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** POSTs a GraphQL operation as a demo user (by email). */
  gql<T = Record<string, any>>(email: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** The app's time, which tests may move. */
  clock: { now: Date };
  close(): Promise<void>;
}

/** The instant the demo data is seeded relative to. */
export const SEED_NOW = new Date();

/** What a test file may change about its gateway. */
export interface TestAppOptions {
  /** Overrides of the test configuration (e.g. `redisUrl`, `nodeEnv`). */
  config?: Partial<Config>;
  /** Where the gateway reaches the test database, e.g. through a TCP proxy a test cuts (`url` is mysql://…). */
  databaseUrl?: (url: string) => string;
}

/** Starts a gateway on port 0 over a new database seeded with the demo organizations. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const queries = new QueryCounter();
  const db = await openDatabase(testDb.config.kind === "mysql" && options.databaseUrl ? { kind: "mysql", url: options.databaseUrl(testDb.config.url) } : testDb.config, queries);
  const clock = { now: SEED_NOW };
  const seed = await db.transaction((m) => seedDemo(m, SEED_NOW));
  const config: Config = {
    port: 0, nodeEnv: "test", database: testDb.config, jwtSecret: randomBytes(32), seedDemo: false, logLevel: "silent", redisUrl: null,
    // Suites fire hundreds of requests per principal; the rate-limit tests set their own budgets.
    security: { ...defaultSecurityConfig(), rateLimit: { perPrincipalPerMinute: 1_000_000, perIpPerMinute: 1_000_000 } },
    ...options.config,
  };
  const gateway = await createGateway({ config, db, logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"), now: () => clock.now });
  const port = await gateway.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const token = (email: string, expiresIn = "1h") => {
    const id = seed.users[email];
    if (!id) throw new Error(`no demo user ${email}`);
    return signUserToken(config.jwtSecret, id, expiresIn);
  };
  const gqlWithAuth = async (authorization: string | null, query: string, variables?: Record<string, unknown>) => {
    const req = request(url).post("/graphql").set("content-type", "application/json");
    if (authorization !== null) req.set("authorization", authorization);
    const res = await req.send({ query, variables });
    return { status: res.status, body: res.body };
  };
  return {
    url, db, testDb, seed, config, gateway, queries, token, clock, gqlWithAuth,
    gql: async (email, query, variables) => gqlWithAuth(`Bearer ${await token(email)}`, query, variables),
    close: async () => {
      await gateway.stop();
      await db.dataSource.destroy();
      await testDb.drop();
    },
  };
}

/** The codes of a response's errors, in order. */
export const codes = (res: GraphQLResponse): (string | undefined)[] => (res.body.errors ?? []).map((e) => e.extensions?.code);

/**
 * For suites that sweep the whole schema in one operation (authorization matrices): such
 * queries are far beyond what the gateway lets clients send, which is not what they test.
 */
export const SWEEP_LIMITS: Partial<Config> = {
  security: { ...defaultSecurityConfig(), limits: { depth: 100, aliases: 1000, directives: 100, tokens: 100_000, cost: Number.MAX_SAFE_INTEGER },
    rateLimit: { perPrincipalPerMinute: 1_000_000, perIpPerMinute: 1_000_000 } },
};
