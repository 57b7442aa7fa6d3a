/**
 * The bench's switches (authorization off, audit writes off, a larger page cap) exist to measure
 * what governance costs. A production gateway refuses every one of them at start; elsewhere they
 * do what they say, and only when asked.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { signUserToken } from "../src/auth/tokens";
import { openDatabase } from "../src/bootstrap";
import type { Config } from "../src/config";
import type { BenchSwitches } from "../src/context";
import type { Database } from "../src/db";
import { AuditEntry } from "../src/entities/AuditEntry";
import { createLogger } from "../src/logger";
import { DemoSeed, seedDemo } from "../src/seed";
import { BenchSwitchRefused, createGateway, Gateway } from "../src/server";
import { createTestDatabase, TestDatabase } from "./helpers/testDatabase";

const logger = createLogger("silent");

describe("bench-only gateway switches", () => {
  let testDb: TestDatabase;
  let db: Database;
  let seed: DemoSeed;
  const baseConfig = (): Config => ({
    port: 0, nodeEnv: "test", database: testDb.config, jwtSecret: randomBytes(32), seedDemo: false, logLevel: "silent", redisUrl: null,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase(testDb.config);
    seed = await db.transaction((m) => seedDemo(m, new Date()));
  });
  afterAll(async () => {
    await db.dataSource.destroy();
    await testDb.drop();
  });

  describe("when NODE_ENV=production", () => {
    const switches: [string, BenchSwitches][] = [
      ["authorization off", { authorization: "off" }],
      ["audit writes off", { auditWrites: "off" }],
      ["a larger page cap", { maxPageSize: 1000 }],
    ];

    it.each(switches)("refuses to start with %s (config.nodeEnv)", async (_name, bench) => {
      const config = { ...baseConfig(), nodeEnv: "production" as const };
      await expect(createGateway({ config, db, logger, bench })).rejects.toBeInstanceOf(BenchSwitchRefused);
    });

    it.each(switches)("refuses to start with %s (process.env.NODE_ENV, whatever the config says)", async (_name, bench) => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = "production";
      try {
        await expect(createGateway({ config: baseConfig(), db, logger, bench })).rejects.toThrow(/refused when NODE_ENV=production/);
      } finally {
        process.env.NODE_ENV = previous;
      }
    });
  });

  describe("outside production", () => {
    let gateway: Gateway | null = null;
    afterEach(async () => {
      await gateway?.stop();
      gateway = null;
    });

    async function start(bench?: BenchSwitches) {
      const config = baseConfig();
      gateway = await createGateway({ config, db, logger, bench });
      const port = await gateway.listen(0);
      return async (email: string, query: string, variables?: Record<string, unknown>) => {
        const token = await signUserToken(config.jwtSecret, seed.users[email]);
        const res = await request(`http://127.0.0.1:${port}`).post("/graphql").set("content-type", "application/json")
          .set("authorization", `Bearer ${token}`).send({ query, variables });
        return res.body as { data?: Record<string, any>; errors?: { path?: unknown[]; extensions?: { code?: string } }[] };
      };
    }

    const PHONES = "{ conversations(first: 100) { nodes { contact { phoneNumber } } } }";

    it("a normal gateway denies an agent the phone numbers of contacts not assigned to them", async () => {
      const gql = await start();
      const body = await gql("ali@acme.test", PHONES);
      expect(body.errors?.map((e) => e.extensions?.code)).toContain("FORBIDDEN");
    });

    it("authorization off: the same query answers without field rules (row scopes still apply)", async () => {
      const governed = await (await start())("ali@acme.test", PHONES);
      await gateway!.stop();
      const body = await (await start({ authorization: "off" }))("ali@acme.test", PHONES);
      expect(body.errors).toBeUndefined();
      expect(body.data!.conversations.nodes).toHaveLength(governed.data!.conversations.nodes.length);
      expect(body.data!.conversations.nodes.every((n: { contact: { phoneNumber: string | null } }) => n.contact.phoneNumber !== null)).toBe(true);
    });

    it("a normal gateway caps pages at 100; the bench cap lets the 1,000-row scenario through", async () => {
      const gql = await start();
      expect((await gql("admin@acme.test", "{ conversations(first: 101) { nodes { id } } }")).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      await gateway!.stop();
      const bench = await start({ maxPageSize: 1000 });
      const body = await bench("admin@acme.test", "{ conversations(first: 1000) { nodes { id } } }");
      expect(body.errors).toBeUndefined();
      expect(body.data!.conversations.nodes.length).toBeGreaterThan(0);
    });

    it("audit writes off: a command commits without its audit entry; a normal gateway writes one", async () => {
      const ASSIGN = `mutation ($input: AssignConversationInput!) { assignConversation(input: $input) { id version } }`;
      const conversationId = (await db.manager.query(
        "SELECT id FROM conversations WHERE organizationId = ? AND teamId = ? AND assigneeId IS NULL ORDER BY createdAt LIMIT 1",
        [seed.organizations.acme, seed.teams["acme/Sales"]]) as { id: string }[])[0].id;
      const entries = () => db.manager.count(AuditEntry, { where: { organizationId: seed.organizations.acme, action: "conversation.assign" } });

      const before = await entries();
      const off = await start({ auditWrites: "off" });
      const skipped = await off("maya@acme.test", ASSIGN, { input: { conversationId, assigneeId: seed.users["ali@acme.test"] } });
      expect(skipped.errors).toBeUndefined();
      expect(await entries()).toBe(before);
      await gateway!.stop();

      const on = await start();
      const written = await on("maya@acme.test", ASSIGN, { input: { conversationId, assigneeId: seed.users["carl@acme.test"] } });
      expect(written.errors).toBeUndefined();
      expect(await entries()).toBe(before + 1);
    });
  });
});
