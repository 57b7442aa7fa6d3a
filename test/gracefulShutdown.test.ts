import "reflect-metadata";
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Not, IsNull, MoreThan } from "typeorm";
import { verifyChain } from "../src/audit/verifyChain";
import { signUserToken } from "../src/auth/tokens";
import { openDatabase } from "../src/bootstrap";
import { ConfigError, DEFAULT_SHUTDOWN_GRACE_MS, drainGraceMs, loadConfig } from "../src/config";
import type { Database } from "../src/db";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { AuditOutcome, Role } from "../src/entities/enums";
import { Organization } from "../src/entities/Organization";
import { TeamMember } from "../src/entities/TeamMember";
import { User } from "../src/entities/User";
import { createLogger } from "../src/logger";
import { installShutdown } from "../src/shutdown";
import { createTestDatabase, TestDatabase } from "./helpers/testDatabase";
import { subscribe, wsClient } from "./helpers/wsClient";

// SIGTERM in the middle of a burst of mutations, against the real gateway in a child process
// (`node -r ts-node/register/transpile-only src/main.ts`): it stops accepting, lets in-flight
// requests and their transactions finish, closes WebSockets with 1001 and exits 0 within
// SHUTDOWN_GRACE_MS; every mutation acknowledged with data is in the database with exactly one
// SUCCESS audit entry, nothing changed without one, and the audit chain verifies. On SQLite the
// child uses a temporary file; with DATABASE_URL=mysql://… a database of its own.

const ROOT = resolve(__dirname, "..");
const GRACE_MS = 8000;
const BURST = 40;
const SECRET = randomBytes(32).toString("hex");

describe("SHUTDOWN_GRACE_MS and the shutdown sequence", () => {
  test("validated at start: default 10 s, at least 1 s; the HTTP drain keeps a reserve for the database", () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).shutdownGraceMs).toBe(DEFAULT_SHUTDOWN_GRACE_MS);
    expect(loadConfig({ JWT_SECRET: SECRET, SHUTDOWN_GRACE_MS: "25000" }).shutdownGraceMs).toBe(25_000);
    expect(() => loadConfig({ JWT_SECRET: SECRET, SHUTDOWN_GRACE_MS: "10" })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: SECRET, SHUTDOWN_GRACE_MS: "soon" })).toThrow(/SHUTDOWN_GRACE_MS/);
    expect(drainGraceMs({ shutdownGraceMs: 10_000 })).toBe(8000);
    expect(drainGraceMs({ shutdownGraceMs: 4000 })).toBe(3000);
    expect(drainGraceMs({})).toBe(8000);
  });

  const fakeDb = (destroyed: string[]) => ({
    transactionsInFlight: 0,
    settle: async () => true,
    dataSource: { destroy: async () => { destroyed.push("db"); } },
  }) as unknown as Database;
  const silent = createLogger("silent");

  test("a clean stop exits 0 after closing the gateway, then the database", async () => {
    const steps: string[] = [];
    const codes: number[] = [];
    const shutdown = installShutdown({ gateway: { stop: async () => { steps.push("gateway"); } }, db: fakeDb(steps), logger: silent, exit: (c) => codes.push(c), signals: [] });
    await shutdown("SIGTERM");
    expect([steps, codes]).toEqual([["gateway", "db"], [0]]);
  });

  test("a second signal, or the grace period running out, exits at once with 1", async () => {
    const codes: number[] = [];
    const never = new Promise<void>(() => {});
    const shutdown = installShutdown({ gateway: { stop: () => never }, db: fakeDb([]), logger: silent, exit: (c) => codes.push(c), graceMs: 200, signals: [] });
    void shutdown("SIGTERM");
    await shutdown("SIGINT");
    expect(codes).toEqual([1]);
    await new Promise((r) => setTimeout(r, 300));
    expect(codes).toEqual([1, 1]); // and the grace timer fired too
  });
});

/** `p`, or null after `ms` (the timer does not outlive it). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<null>((r) => { timer = setTimeout(() => r(null), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

interface Outcome {
  requestId: string;
  conversationId: string;
  assigneeId: string;
  status?: number;
  data?: { id: string; version: number; assignee: { id: string } | null } | null;
  codes?: (string | undefined)[];
  transportError?: string;
}

describe("SIGTERM during a burst of mutations (the real gateway in a child process)", () => {
  let child: ChildProcess | null = null;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let testDb: TestDatabase | null = null;
  let tmp: string | null = null;
  let databaseUrl: string;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    if ((process.env.DATABASE_URL ?? "").startsWith("mysql") || (process.env.DATABASE_URL ?? "").startsWith("mariadb")) {
      testDb = await createTestDatabase();
      databaseUrl = (testDb.config as { url: string }).url;
    } else {
      tmp = mkdtempSync(join(tmpdir(), "switchboard-shutdown-"));
      databaseUrl = `sqlite:${join(tmp, "gateway.sqlite")}`;
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await testDb?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Starts `src/main.ts` and resolves to its port once it logs "switchboard ready". */
  const startGateway = () => new Promise<number>((resolvePort, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info",
      DATABASE_URL: databaseUrl, JWT_SECRET: SECRET, SEED_DEMO: "true", SHUTDOWN_GRACE_MS: String(GRACE_MS),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    };
    const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    exited = new Promise((r) => proc.once("exit", (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${JSON.stringify(lines.slice(-5))}`)), 90_000);
    let buffered = "";
    let stderr = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as Record<string, any>;
          lines.push(entry);
          if (entry.msg === "switchboard ready") { clearTimeout(timer); resolvePort(Number(entry.port)); }
        } catch { /* not a log line */ }
      }
    });
    proc.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`gateway exited with ${code} before it was ready: ${stderr.slice(-2000)}`)); });
  });

  test("stops accepting, finishes in-flight work, closes WebSockets with 1001 and exits 0 within the grace period; no acknowledged write lost or unaudited", async () => {
    const port = await startGateway();
    const url = `http://127.0.0.1:${port}`;
    // The test reads the same database (WAL on SQLite) for ids and, after the exit, for the checks.
    let db = await openDatabase(databaseUrl.startsWith("sqlite:") ? { kind: "sqlite", path: databaseUrl.slice("sqlite:".length) } : { kind: "mysql", url: databaseUrl });
    const acme = await db.manager.findOneByOrFail(Organization, { slug: "acme" });
    const organizations = await db.manager.find(Organization);
    const admin = await db.manager.findOneByOrFail(User, { email: "admin@acme.test" });
    const maya = await db.manager.findOneByOrFail(User, { email: "maya@acme.test" });
    const users = new Map((await db.manager.find(User, { where: { organizationId: acme.id, active: true } })).map((u) => [u.id, u]));
    const members = await db.manager.find(TeamMember, { where: { organizationId: acme.id } });
    const beforeRows = await db.manager.find(Conversation, { where: { organizationId: acme.id }, order: { id: "ASC" } });
    const before = new Map(beforeRows.map((c) => [c.id, { version: c.version, assigneeId: c.assigneeId }]));
    const lastSeq = new Map<string, number>();
    for (const o of organizations) {
      const last = await db.manager.findOne(AuditEntry, { where: { organizationId: o.id }, order: { seq: "DESC" } });
      lastSeq.set(o.id, last?.seq ?? 0);
    }
    await db.dataSource.destroy();

    // A supervisor's live queue, to see how the WebSocket is closed.
    const closes: number[] = [];
    const ws = wsClient(url, `Bearer ${await signUserToken(new TextEncoder().encode(SECRET), maya.id)}`, (code) => closes.push(code));
    const live = subscribe(ws, `subscription { myAssignments { type conversationId } }`);
    await new Promise((r) => setTimeout(r, 500));

    // The burst: the admin reassigns conversations to active members of their teams.
    const token = await signUserToken(new TextEncoder().encode(SECRET), admin.id);
    const candidates = beforeRows.filter((c) => members.some((m) => m.teamId === c.teamId && users.get(m.userId)?.role === Role.AGENT));
    expect(candidates.length).toBeGreaterThan(5);
    const planned = new Map(candidates.map((c) => [c.id, c.assigneeId]));
    const plan = Array.from({ length: BURST }, (_, i) => {
      const c = candidates[i % candidates.length];
      const agents = members.filter((m) => m.teamId === c.teamId && users.get(m.userId)?.role === Role.AGENT).map((m) => m.userId);
      const assigneeId = agents.find((a) => a !== planned.get(c.id)) ?? agents[0]; // someone else than the last one planned
      planned.set(c.id, assigneeId);
      return { conversationId: c.id, assigneeId };
    });
    let answered = 0;
    let answeredBeforeSignal = -1;
    const send = async (p: { conversationId: string; assigneeId: string }): Promise<Outcome> => {
      const requestId = `burst-${randomUUID()}`;
      try {
        const res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": requestId },
          body: JSON.stringify({
            query: `mutation($c: ID!, $a: ID!) { assignConversation(input: { conversationId: $c, assigneeId: $a }) { id version assignee { id } } }`,
            variables: { c: p.conversationId, a: p.assigneeId },
          }),
          signal: AbortSignal.timeout(GRACE_MS + 5000),
        });
        const body = (await res.json()) as { data?: { assignConversation?: Outcome["data"] } | null; errors?: { extensions?: { code?: string } }[] };
        return { ...p, requestId, status: res.status, data: body.data?.assignConversation ?? null, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
      } catch (err) {
        return { ...p, requestId, transportError: String((err as Error).cause ?? err) };
      } finally {
        answered++;
      }
    };
    // Fired in waves so that some arrive before, some during and some after the signal.
    const pending: Promise<Outcome>[] = [];
    const waves = 4;
    for (let w = 0; w < waves; w++) {
      for (const p of plan.slice((w * BURST) / waves, ((w + 1) * BURST) / waves)) pending.push(send(p));
      if (w === 0) {
        while (answered === 0) await new Promise((r) => setTimeout(r, 2));
        answeredBeforeSignal = answered;
        child?.kill("SIGTERM");
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const signalledAt = performance.now();
    const outcomes = await Promise.all(pending);
    const exit = await within(exited, GRACE_MS + 5000);
    const exitMs = performance.now() - signalledAt;
    await within(live.ended, 2000);
    await ws.dispose();

    // The process: exit 0 within the grace period, logged as clean.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(GRACE_MS);
    expect(lines.some((l) => l.msg === "shut down cleanly")).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    // The WebSocket: closed by the server with 1001 (going away).
    expect(closes).toEqual([1001]);
    // The burst really was cut in the middle: answers after the signal, refusals once it stopped accepting.
    const acknowledged = outcomes.filter((o) => o.data);
    expect(answeredBeforeSignal).toBeLessThan(BURST);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const o of outcomes) {
      // Every answer is a result or an expected refusal (a conflict, or 503 once stopping); never an internal error.
      if (o.status === 503) expect(o.codes).toEqual(["SERVICE_UNAVAILABLE"]);
      else if (o.status !== undefined) expect(o.codes?.filter((c) => c !== "CONFLICT")).toEqual([]);
    }

    db = await openDatabase(databaseUrl.startsWith("sqlite:") ? { kind: "sqlite", path: databaseUrl.slice("sqlite:".length) } : { kind: "mysql", url: databaseUrl });
    try {
      const m = db.manager;
      const written = await m.find(AuditEntry, { where: { organizationId: acme.id, seq: MoreThan(lastSeq.get(acme.id) ?? 0) }, order: { seq: "ASC" } });
      const ours = new Map(outcomes.map((o) => [o.requestId, o]));
      // Every acknowledged mutation is there with exactly one SUCCESS audit entry that matches it.
      for (const o of acknowledged) {
        const entries = written.filter((e) => e.requestId === o.requestId && e.outcome === AuditOutcome.SUCCESS);
        expect(entries.map((e) => [e.action, e.targetId])).toEqual([["conversation.assign", o.conversationId]]);
        expect(JSON.parse(entries[0].after ?? "{}")).toMatchObject({ assigneeId: o.assigneeId, version: o.data?.version });
      }
      // Nothing was written that nobody asked for.
      for (const e of written) expect(ours.has(e.requestId ?? "")).toBe(true);
      const unanswered = outcomes.filter((o) => !o.data && written.some((e) => e.requestId === o.requestId && e.outcome === AuditOutcome.SUCCESS));
      // A request is either run and answered, or refused without running: nothing commits unacknowledged.
      expect(unanswered).toEqual([]);
      // No conversation changed without an audit entry: each version step is one SUCCESS entry, and
      // the row is what its last entry says.
      const after = await m.find(Conversation, { where: { organizationId: acme.id } });
      for (const c of after) {
        const was = before.get(c.id);
        const steps = written.filter((e) => e.targetId === c.id && e.outcome === AuditOutcome.SUCCESS);
        expect([c.id, c.version - (was?.version ?? 0)]).toEqual([c.id, steps.length]);
        if (steps.length > 0) expect(JSON.parse(steps[steps.length - 1].after ?? "{}")).toMatchObject({ assigneeId: c.assigneeId, version: c.version });
        else expect(c.assigneeId).toBe(was?.assigneeId);
      }
      for (const o of organizations) expect(await verifyChain(m, o.id)).toMatchObject({ ok: true });
      expect(await m.count(AuditEntry, { where: { requestId: Not(IsNull()), organizationId: acme.id, seq: MoreThan(lastSeq.get(acme.id) ?? 0) } })).toBe(written.length);
      // eslint-disable-next-line no-console
      console.log(`SIGTERM mid-burst: ${outcomes.length} sent, ${answeredBeforeSignal} answered before the signal, ${acknowledged.length} acknowledged, ` +
        `${outcomes.filter((o) => o.codes?.includes("CONFLICT")).length} CONFLICT, ${outcomes.filter((o) => o.status === 503).length} refused with 503, ` +
        `${outcomes.filter((o) => o.transportError).length} not accepted (connection); exit 0 after ${Math.round(exitMs)} ms (grace ${GRACE_MS} ms)`);
    } finally {
      await db.dataSource.destroy();
    }
  }, 120_000);
});
