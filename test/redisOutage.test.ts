import { openDatabase } from "../src/bootstrap";
import type { Database } from "../src/db";
import { createLogger } from "../src/logger";
import { createGateway, Gateway } from "../src/server";
import { byNumber, loadConversations } from "./helpers/demoRows";
import { startTcpProxy, TcpProxy, throughProxy } from "./helpers/tcpProxy";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, Subscription, wsClient } from "./helpers/wsClient";

// Two gateway instances share one database and reach Redis through a TCP proxy the test cuts and
// restores. While Redis is away each instance keeps delivering its own events to its own
// subscribers, reports `redis: false` in /readyz (still ready: the database is the system of
// record) and logs it; when Redis is back the instances reconnect and relay to each other again,
// without delivering anything twice. Runs whenever REDIS_URL is set (CI sets it), and then an
// unreachable Redis fails it: the gateway refuses to start without it.
const REDIS_URL = process.env.REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;

const QUEUE = `subscription($t: ID!) { queueChanged(teamId: $t) { type conversationId conversation { assignee { id } } } }`;
const ASSIGN = `mutation($c: ID!, $a: ID!) { assignConversation(input: { conversationId: $c, assigneeId: $a }) { id assignee { id } } }`;

describeWithRedis("Redis goes away and comes back (two instances, Redis through a TCP proxy)", () => {
  let proxy: TcpProxy;
  let a: TestApp;
  let b: Gateway;
  let bUrl: string;
  let bDb: Database;
  const bLogs: { level: number; msg: string; client?: string }[] = [];

  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(REDIS_URL as string).port || 6379));
    const redisUrl = throughProxy(REDIS_URL as string, proxy);
    a = await startTestApp({ config: { redisUrl } });
    bDb = a.testDb.kind === "mysql" ? await openDatabase(a.testDb.config) : a.db;
    const bLogger = createLogger("debug", { write: (line: string) => { bLogs.push(JSON.parse(line)); } });
    b = await createGateway({ config: a.config, db: bDb, logger: bLogger, now: () => a.clock.now });
    bUrl = `http://127.0.0.1:${await b.listen(0)}`;
  });
  afterAll(async () => {
    proxy?.restore();
    await b?.stop();
    if (bDb && bDb !== a.db) await bDb.dataSource.destroy();
    await a?.close();
    await proxy?.close();
  });

  const readyz = async (url: string) => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: (await res.json()) as { ready?: boolean; checks?: Record<string, boolean> } };
  };
  /** Polls until `check` holds (bounded in count and time). */
  const eventually = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
    const started = Date.now();
    for (let i = 0; i < 200 && Date.now() - started < ms; i++) {
      if (await check()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 75));
    }
    throw new Error(`not within ${ms} ms: ${what}`);
  };
  /** The assignees of the events a subscriber got since `mark` (its result count then). */
  const since = (sub: Subscription, mark: number) => sub.results.slice(mark).map((r) => r.data?.queueChanged?.conversation?.assignee?.id ?? "error");

  test("subscriptions keep working on each instance during the outage, and across instances after it", async () => {
    const sales = a.seed.teams["acme/Sales"];
    const ali = a.seed.users["ali@acme.test"];
    const carl = a.seed.users["carl@acme.test"];
    const rows = await loadConversations(a, a.seed.organizations.acme);
    const conversation = byNumber(rows, 23).id;
    let assignee = rows.find((r) => r.id === conversation)?.assigneeId ?? null;
    /** Reassigns the conversation (ali ⇄ carl) through an instance; returns the new assignee. */
    const reassign = async (url: string): Promise<string> => {
      const next = assignee === ali ? carl : ali;
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await a.token("maya@acme.test")}` },
        body: JSON.stringify({ query: ASSIGN, variables: { c: conversation, a: next } }),
      });
      const body = (await res.json()) as { data?: { assignConversation: { assignee: { id: string } } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.assignConversation.assignee).toEqual({ id: next });
      assignee = next;
      return next;
    };

    const onA = wsClient(a, `Bearer ${await a.token("maya@acme.test")}`);
    const onB = wsClient(bUrl, `Bearer ${await a.token("maya@acme.test")}`);
    try {
      const subA = subscribe(onA, QUEUE, { t: sales });
      const subB = subscribe(onB, QUEUE, { t: sales });
      await settle(300);

      // Before: a change through A reaches both, each exactly once (A's own event is not echoed back by Redis).
      let [markA, markB] = [subA.results.length, subB.results.length];
      const first = await reassign(a.url);
      await subA.waitFor(markA + 1);
      await subB.waitFor(markB + 1);
      await settle();
      expect([since(subA, markA), since(subB, markB)]).toEqual([[first], [first]]);
      expect((await readyz(bUrl)).body).toMatchObject({ ready: true, checks: { database: true, redis: true } });

      // ---- Redis goes away. ----
      proxy.cut("refuse");
      for (const url of [a.url, bUrl]) {
        await eventually(`${url} reports redis down`, async () => (await readyz(url)).body.checks?.redis === false);
        const ready = await readyz(url);
        expect(ready.status).toBe(200); // still ready: the database is the system of record
        expect(ready.body).toMatchObject({ ready: true, checks: { database: true, redis: false } });
      }
      // Each instance's own subscribers still get what that instance publishes...
      [markA, markB] = [subA.results.length, subB.results.length];
      const duringA = await reassign(a.url);
      await subA.waitFor(markA + 1);
      const duringB = await reassign(bUrl);
      await subB.waitFor(markB + 1);
      await settle();
      // ...and only that: what one instance published meanwhile did not reach the other (live
      // events are at most once; the database is the record and clients re-query on reconnect).
      expect([since(subA, markA), since(subB, markB)]).toEqual([[duringA], [duringB]]);
      // The outage is logged once per connection, not once per retry.
      const lost = bLogs.filter((l) => l.msg.startsWith("redis connection lost"));
      expect(lost.map((l) => [l.level, l.client]).sort()).toEqual([[40, "publish"], [40, "subscribe"]]);
      expect(bLogs.filter((l) => l.level >= 40 && l.msg === "redis connection error").length).toBeLessThanOrEqual(4);

      // ---- Redis comes back: both instances reconnect (and resubscribe) by themselves. ----
      proxy.restore();
      const restored = Date.now();
      for (const url of [a.url, bUrl]) {
        await eventually(`${url} reports redis back`, async () => {
          const r = await readyz(url);
          return r.status === 200 && r.body.checks?.redis === true;
        });
      }
      const reconnectMs = Date.now() - restored;
      expect(bLogs.some((l) => l.msg === "redis reconnected" && l.client === "subscribe")).toBe(true);

      // Across instances again (bounded retries: a resubscription may still be on its way).
      let crossed = false;
      for (let attempt = 0; attempt < 8 && !crossed; attempt++) {
        markB = subB.results.length;
        const next = await reassign(a.url);
        try {
          await eventually("B's subscriber gets A's event", async () => since(subB, markB).includes(next), 2000);
          crossed = true;
        } catch { /* not yet: try again */ }
      }
      expect(crossed).toBe(true);
      // Both ways, each subscriber exactly once.
      [markA, markB] = [subA.results.length, subB.results.length];
      const fromB = await reassign(bUrl);
      await subA.waitFor(markA + 1);
      await settle();
      expect([since(subA, markA), since(subB, markB)]).toEqual([[fromB], [fromB]]);
      expect(subA.results.concat(subB.results).filter((r) => r.errors)).toEqual([]);
      // eslint-disable-next-line no-console
      console.log(`redis outage: both instances ready with Redis ${reconnectMs} ms after it came back`);
    } finally {
      await onA.dispose();
      await onB.dispose();
    }
  });
});
