import { openDatabase } from "../src/bootstrap";
import type { Database } from "../src/db";
import { createLogger } from "../src/logger";
import { createGateway, Gateway } from "../src/server";
import { byNumber, loadConversations } from "./helpers/demoRows";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, wsClient } from "./helpers/wsClient";

// Two gateway instances sharing one database and one Redis: a change made through one reaches a
// supervisor connected to the other. Runs whenever REDIS_URL is set (CI sets it), and then an
// unreachable Redis fails the run: the gateway refuses to start without it.
const REDIS_URL = process.env.REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;

describeWithRedis("scale-out through Redis", () => {
  let a: TestApp;
  let b: Gateway;
  let bUrl: string;
  let bDb: Database;

  beforeAll(async () => {
    a = await startTestApp({ config: { redisUrl: REDIS_URL } });
    // On MySQL instance B gets its own connection pool to the same database, as in production.
    bDb = a.testDb.kind === "mysql" ? await openDatabase(a.testDb.config) : a.db;
    b = await createGateway({ config: a.config, db: bDb, logger: createLogger("silent"), now: () => a.clock.now });
    bUrl = `http://127.0.0.1:${await b.listen(0)}`;
  });
  afterAll(async () => {
    await b?.stop();
    if (bDb && bDb !== a.db) await bDb.dataSource.destroy();
    await a?.close();
  });

  test("a claim through instance A reaches a supervisor subscribed on instance B", async () => {
    const rows = await loadConversations(a, a.seed.organizations.acme);
    const id = byNumber(rows, 23).id;
    const client = wsClient(bUrl, `Bearer ${await a.token("maya@acme.test")}`);
    const other = wsClient(bUrl, `Bearer ${await a.token("sam@acme.test")}`);
    try {
      const sub = subscribe(client, `subscription($t: ID!) { queueChanged(teamId: $t) { type conversationId conversation { assignee { name } } } }`, { t: a.seed.teams["acme/Sales"] });
      const unrelated = subscribe(other, `subscription($t: ID!) { queueChanged(teamId: $t) { type } }`, { t: a.seed.teams["acme/Support"] });
      await settle(300);
      const res = await a.gql("ali@acme.test", `mutation($id: ID!) { claimConversation(id: $id) { id } }`, { id });
      expect(res.body.data?.claimConversation).toEqual({ id });
      const [event] = await sub.waitFor(1);
      expect(event).toEqual({ data: { queueChanged: { type: "ASSIGNED", conversationId: id, conversation: { assignee: { name: "Ali Agent" } } } } });
      await settle();
      expect(unrelated.results).toEqual([]);
    } finally {
      await client.dispose();
      await other.dispose();
    }
  });

  test("readiness reports Redis", async () => {
    const res = await fetch(`${bUrl}/readyz`);
    expect(await res.json()).toEqual({ ready: true, checks: { database: true, redis: true } });
  });
});
