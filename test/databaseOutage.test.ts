import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { verifyChain } from "../src/audit/verifyChain";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { AuditOutcome } from "../src/entities/enums";
import { loadConversations } from "./helpers/demoRows";
import { startTcpProxy, TcpProxy, throughProxy } from "./helpers/tcpProxy";
import { startTestApp, TestApp } from "./helpers/testApp";
import { subscribe, wsClient } from "./helpers/wsClient";

// The database goes away under a running gateway and comes back: requests fail fast with
// SERVICE_UNAVAILABLE, /readyz turns 503, the process stays up (Jest fails a test on any
// unhandled rejection, and an uncaught 'error' would kill the worker), and service resumes by
// itself with every write acknowledged before the cut still there with its audit entry.
//
// The gateway reaches MariaDB through a TCP proxy (test/helpers/tcpProxy.ts) that the test cuts
// and restores. It runs whenever DATABASE_URL is mysql://… (CI sets it), and then an unreachable
// server fails it: createTestDatabase throws in beforeAll. On SQLite there is no network
// database to lose (the file is opened in process), so there it is skipped.
const DATABASE_URL = process.env.DATABASE_URL ?? "";
const onMysql = /^(mysql|mariadb):\/\//.test(DATABASE_URL);
const describeOnMysql = onMysql ? describe : describe.skip;

/** What a request took and what came back. */
interface Timed {
  status: number;
  ms: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

const CLAIM = `mutation($id: ID!) { claimConversation(id: $id) { id version assignee { id } } }`;
const ME = `{ me { kind user { id name } } }`;

describeOnMysql("the database goes away and comes back (MariaDB through a TCP proxy)", () => {
  let proxy: TcpProxy;
  let app: TestApp;
  const timings: Record<string, number[]> = {};
  const note = (what: string, ms: number) => (timings[what] ??= []).push(ms);

  const post = async (email: string | null, query: string, variables?: Record<string, unknown>, requestId?: string): Promise<Timed> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (email) headers.authorization = `Bearer ${await app.token(email)}`;
    if (requestId) headers["x-request-id"] = requestId;
    const started = performance.now();
    const res = await fetch(`${app.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(20_000) });
    const body = (await res.json()) as Timed["body"];
    return { status: res.status, ms: performance.now() - started, body };
  };
  const readyz = async () => {
    const started = performance.now();
    const res = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(20_000) });
    return { status: res.status, ms: performance.now() - started, body: await res.json() };
  };
  const codesOf = (r: Timed) => (r.body.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    const target = Number(new URL(DATABASE_URL).port || 3306);
    proxy = await startTcpProxy(target);
    app = await startTestApp({ databaseUrl: (url) => throughProxy(url, proxy) });
  });
  afterAll(async () => {
    proxy?.restore();
    await app?.close();
    await proxy?.close();
    // eslint-disable-next-line no-console
    console.log("database outage timings (ms):", JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, { n: v.length, max: Math.round(Math.max(...v)), min: Math.round(Math.min(...v)) }]))));
  });

  test("cut, fail fast with SERVICE_UNAVAILABLE, restore, resume by itself with nothing acknowledged lost", async () => {
    const acme = app.seed.organizations.acme;
    const sales = app.seed.teams["acme/Sales"];
    const ali = app.seed.users["ali@acme.test"];
    const unassigned = (await loadConversations(app, acme)).filter((c) => c.teamId === sales && c.assigneeId === null && c.status !== "RESOLVED");
    expect(unassigned.length).toBeGreaterThanOrEqual(4);
    const [before1, before2, inFlightTarget, afterTarget] = unassigned;

    // A manager's WebSocket, open before the cut: its principal is in memory, so what it runs
    // during the cut fails in the resolvers (not in authentication).
    const manager: Client = wsClient(app, `Bearer ${await app.token("maya@acme.test")}`);
    const live = subscribe(manager, `subscription($t: ID!) { queueChanged(teamId: $t) { type conversationId } }`, { t: sales });
    const wsRun = (query: string, variables?: Record<string, unknown>) => {
      const sub = subscribe(manager, query, variables);
      return Promise.race([sub.waitFor(1, 20_000).then((r) => r[0]), sub.ended.then((e) => ({ errors: [{ message: String(e.error), extensions: { code: "ENDED" } }] }))]);
    };

    try {
      // Writes acknowledged before the cut.
      const acknowledged: { id: string; version: number; requestId: string }[] = [];
      for (const target of [before1, before2]) {
        const requestId = `before-cut-${randomUUID()}`;
        const res = await post("ali@acme.test", CLAIM, { id: target.id }, requestId);
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data?.claimConversation).toEqual({ id: target.id, version: target.version + 1, assignee: { id: ali } });
        acknowledged.push({ id: target.id, version: target.version + 1, requestId });
      }
      await live.waitFor(2);
      expect((await readyz()).status).toBe(200);

      // A write in flight when the database goes away: all or nothing, checked at the end.
      const inFlightRequestId = `in-flight-${randomUUID()}`;
      const inFlight = post("ali@acme.test", CLAIM, { id: inFlightTarget.id }, inFlightRequestId);
      await new Promise((r) => setImmediate(r));

      // ---- The cut: the server's host answers, the server does not (connections reset). ----
      proxy.cut("refuse");
      const cutAt = performance.now();
      const inFlightResult = await inFlight;
      note(inFlightResult.body.errors ? "in-flight write at the cut: failed" : "in-flight write at the cut: acknowledged", inFlightResult.ms);
      if (inFlightResult.body.errors) expect(codesOf(inFlightResult)).toEqual(["SERVICE_UNAVAILABLE"]);

      // Authentication needs the database: 503 SERVICE_UNAVAILABLE, fast.
      for (let i = 0; i < 5; i++) {
        const res = await post("ali@acme.test", ME);
        note("refused: HTTP request", res.ms);
        expect(res.status).toBe(503);
        expect(codesOf(res)).toEqual(["SERVICE_UNAVAILABLE"]);
        expect(res.body.errors?.[0].message).toBe("Service temporarily unavailable"); // nothing about the driver
        expect(res.ms).toBeLessThan(1000);
      }
      const write = await post("ali@acme.test", CLAIM, { id: afterTarget.id });
      expect([write.status, codesOf(write)]).toEqual([503, ["SERVICE_UNAVAILABLE"]]);
      // Resolvers (a WebSocket whose principal is already loaded): SERVICE_UNAVAILABLE, not INTERNAL_SERVER_ERROR.
      const wsQueryStarted = performance.now();
      const wsQuery = await wsRun(`{ conversations(first: 3) { nodes { id } } }`);
      note("refused: WebSocket query", performance.now() - wsQueryStarted);
      expect((wsQuery.errors ?? []).map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
      const wsWrite = await wsRun(CLAIM, { id: afterTarget.id });
      expect((wsWrite.errors ?? []).map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
      // A new WebSocket cannot load its principal: closed with 1013 (try again later), which clients retry.
      const closes: number[] = [];
      const newcomer = wsClient(app, `Bearer ${await app.token("maya@acme.test")}`, (code) => closes.push(code));
      await subscribe(newcomer, `subscription($t: ID!) { queueChanged(teamId: $t) { type } }`, { t: sales }).ended;
      await newcomer.dispose();
      expect(closes).toEqual([1013]);
      // Expected errors keep their codes: no credentials is still UNAUTHENTICATED.
      const anonymous = await post(null, ME);
      expect([anonymous.status, codesOf(anonymous)]).toEqual([401, ["UNAUTHENTICATED"]]);
      // Readiness turns false; liveness (the process) stays up.
      const notReady = await readyz();
      note("refused: /readyz", notReady.ms);
      expect(notReady.status).toBe(503);
      expect(notReady.body).toEqual({ ready: false, checks: { database: false } });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

      // ---- A partition: connections are swallowed, only the connect timeout (2 s) ends them. ----
      proxy.cut("blackhole");
      const slow = await post("ali@acme.test", ME);
      note("black hole: one HTTP request", slow.ms);
      expect([slow.status, codesOf(slow)]).toEqual([503, ["SERVICE_UNAVAILABLE"]]);
      expect(slow.ms).toBeLessThan(5000);
      // More requests than the pool has connections (20): waiting for a connection is bounded too.
      const burst = await Promise.all(Array.from({ length: 30 }, () => post("ali@acme.test", ME)));
      for (const r of burst) {
        note("black hole: 30 concurrent HTTP requests", r.ms);
        expect([r.status, codesOf(r)]).toEqual([503, ["SERVICE_UNAVAILABLE"]]);
        expect(r.ms).toBeLessThan(10_000);
      }
      const slowReady = await readyz();
      note("black hole: /readyz", slowReady.ms);
      expect(slowReady.status).toBe(503);

      // ---- The database comes back: service resumes without a restart. ----
      proxy.restore();
      const restoredAt = performance.now();
      note("outage length", restoredAt - cutAt);
      let recovered: Timed | null = null;
      for (let attempt = 0; attempt < 40 && performance.now() - restoredAt < 15_000; attempt++) {
        const res = await post("ali@acme.test", ME);
        if (res.status === 200 && !res.body.errors) { recovered = res; break; }
        await new Promise((r) => setTimeout(r, 100));
      }
      note("time to recover after restore", performance.now() - restoredAt);
      expect(recovered?.body.data?.me).toEqual({ kind: "USER", user: { id: ali, name: "Ali Agent" } });

      // No error left once it is back: every request and the WebSocket opened before the cut work.
      expect(await readyz()).toMatchObject({ status: 200, body: { ready: true, checks: { database: true } } });
      const after = await Promise.all(Array.from({ length: 25 }, () => post("ali@acme.test", `{ me { kind } conversations(first: 5) { nodes { id version } } }`)));
      for (const r of after) expect([r.status, r.body.errors]).toEqual([200, undefined]);
      const claimAfter = await post("ali@acme.test", CLAIM, { id: afterTarget.id }, `after-restore-${randomUUID()}`);
      expect(claimAfter.body.errors).toBeUndefined();
      expect(claimAfter.body.data?.claimConversation.assignee).toEqual({ id: ali });
      const wsAfter = await wsRun(`{ conversations(first: 3) { nodes { id } } }`);
      expect(wsAfter.errors).toBeUndefined();
      await live.waitFor(3);

      // Nothing acknowledged before the cut is lost, each with exactly one SUCCESS audit entry.
      const m = app.db.manager;
      for (const a of acknowledged) {
        const row = await m.findOneByOrFail(Conversation, { id: a.id });
        expect([row.assigneeId, row.version]).toEqual([ali, a.version]);
        const entries = await m.find(AuditEntry, { where: { requestId: a.requestId } });
        expect(entries.map((e) => [e.action, e.outcome, e.targetId])).toEqual([["conversation.claim", AuditOutcome.SUCCESS, a.id]]);
      }
      // The write in flight at the cut is all or nothing: changed exactly when audited.
      const inFlightRow = await m.findOneByOrFail(Conversation, { id: inFlightTarget.id });
      const inFlightEntries = await m.find(AuditEntry, { where: { requestId: inFlightRequestId, outcome: AuditOutcome.SUCCESS } });
      if (inFlightRow.version === inFlightTarget.version) {
        expect([inFlightRow.assigneeId, inFlightEntries.length]).toEqual([null, 0]);
        expect(inFlightResult.body.errors).toBeDefined();
      } else {
        expect([inFlightRow.assigneeId, inFlightRow.version, inFlightEntries.length]).toEqual([ali, inFlightTarget.version + 1, 1]);
      }
      expect(await verifyChain(m, acme)).toMatchObject({ ok: true });
    } finally {
      await manager.dispose();
    }
  });
});
