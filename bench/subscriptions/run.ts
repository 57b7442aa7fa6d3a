import "reflect-metadata";
import { ChildProcess, execFile, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { signUserToken } from "../../src/auth/tokens";
import { openDatabase } from "../../src/bootstrap";
import { parseDatabaseUrl } from "../../src/config";
import type { ClientResults, ClientSub, FromClients, ToClients } from "./clients";
import { generateOrganization, GeneratedOrg } from "./generate";
import { BenchOptions, normalize, parseOptions } from "./options";

/**
 * `npm run bench:subscriptions`: the live queue under load (issue 5).
 *
 *   1. generates an organization (teams, managers, agents, conversations) straight into the
 *      bench database;
 *   2. starts the gateway in a child process (compiled, NODE_ENV=production, 127.0.0.1 only);
 *   3. opens the subscriptions from `clientProcesses` other children, a bounded number of
 *      handshakes at a time, each a MANAGER watching their team's `queueChanged`;
 *   4. warms up: one event per team, until every subscription has received one;
 *   5. drives assign/unassign mutations through HTTP at a fixed rate (open loop), round-robin
 *      over the teams, each team's made by one of its managers;
 *   6. counts, per event, the deliveries expected (the team's subscriptions) and received, and
 *      the latency from the event's commit time (`at`, stamped inside the transaction) to the
 *      client's receipt; samples the gateway's RSS from /proc/<pid>/status.
 */

export const SUBSCRIPTION = `subscription Wall($teamId: ID!) {
  queueChanged(teamId: $teamId) {
    type teamId conversationId at
    conversation { id status priority version waitingSince assignee { id name } contact { name maskedPhoneNumber } }
    queue { open unassigned pending oldestUnassignedAgeSeconds generatedAt byAssignee { open pending assignee { id name } } }
  }
}`;

const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id version } }`;
const UNASSIGN = `mutation($id: ID!) { unassignConversation(id: $id) { id version } }`;

const ROOT = resolve(__dirname, "../..");

export interface Percentiles { p50: number; p95: number; p99: number; max: number; mean: number; samples: number }

export interface BenchReport {
  kind: "subscriptions";
  startedAt: string;
  goal: { subscriptions: number; lost: number; p99Ms: number; rate: number; rssMb: number };
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  config: {
    subscriptions: number; distinctManagers: number; teams: number; subscriptionsPerTeam: number; agentsPerTeam: number;
    conversationsPerTeam: number; ratePerSecond: number; durationSeconds: number; clientProcesses: number;
    database: string; redis: boolean; gatewayRuntime: "compiled" | "ts-node";
  };
  connect: { requested: number; connected: number; failed: number; seconds: number; sampleErrors: string[] };
  events: { attempted: number; committed: number; failed: number; skipped: number; achievedRatePerSecond: number; sampleErrors: string[] };
  deliveries: { expected: number; delivered: number; lost: number; duplicates: number; unexpected: number; errors: number; completes: number; closedSockets: number; sampleErrors: string[] };
  latencyMs: Percentiles;
  mutationRoundTripMs: Percentiles;
  gateway: { pid: number; cpuSeconds: number; cpuPercentOfOneCore: number; cpuMicrosecondsPerDelivery: number; rssMb: { idle: number; connected: number; peakDuringRun: number; end: number; hwm: number }; heapUsedMb: number | null;
    /** During the measured phase and drain. */
    eventLoopDelayMs: GatewayStats["loopDelayMs"] | null; gcPausesMs: GatewayStats["gc"] | null;
    /** Since start: executions, results shared within a cohort, executions that read the subscriber's identity. */
    renders: GatewayStats["renders"] | null };
  clients: { rssMb: number[]; cpuPercentOfOneCore: number[]; driverCpuPercentOfOneCore: number };
  met: { subscriptions: boolean; lost: boolean; p99: boolean; rss: boolean; all: boolean };
}

type Log = (line: string) => void;

/** What the gateway process reports about itself (bench/subscriptions/gateway.ts). */
interface GatewayStats {
  heapUsed: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: Record<string, { count: number; ms: number; maxMs: number }>;
  renders: { executed: number; shared: number; identityDependent: number };
  queries: Record<string, string>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0, samples: 0 };
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[n - 1]), mean: round(sum / n), samples: n };
}

/** VmRSS and VmHWM of a process, in bytes, from /proc (0 when unavailable). */
export function procMemory(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** User + system CPU time of a process so far, in ms, from /proc/<pid>/stat (0 when unavailable). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Every child this run started, so that they are ended whatever happens. */
const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
  children.clear();
}

function waitForMessage<T extends { type: string }>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for "${type}" from child ${child.pid}`)); }, timeoutMs);
    const onMessage = (msg: T) => { if (msg?.type === type) { cleanup(); resolvePromise(msg); } };
    const onExit = (code: number | null, signal: string | null) => { cleanup(); reject(new Error(`child ${child.pid} exited (${code ?? signal}) while waiting for "${type}"`)); };
    const cleanup = () => { clearTimeout(timer); child.off("message", onMessage); child.off("exit", onExit); };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess, message: object, ms = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) { children.delete(child); return; }
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try { child.send(message); } catch { /* channel closed */ }
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Compiles src and this harness into a private directory, so the gateway runs as plain JS (as in production). */
function compile(log: Log): Promise<string> {
  const cache = join(ROOT, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, "bench-subscriptions-"));
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [tsc, "-p", join(ROOT, "bench", "subscriptions", "tsconfig.json"), "--outDir", outDir], { cwd: ROOT, maxBuffer: 16 << 20 },
      (err, stdout) => {
        const entry = join(outDir, "bench", "subscriptions", "gateway.js");
        if (!existsSync(entry)) { rmSync(outDir, { recursive: true, force: true }); return reject(new Error(`compilation failed:\n${stdout}`)); }
        // tsc still emits when a type error is elsewhere in the tree (others work in it too).
        if (err) log(`warning: tsc reported errors, running the emitted JS anyway:\n${stdout.split("\n").slice(0, 5).join("\n")}`);
        log(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        resolvePromise(outDir);
      });
  });
}

interface Op {
  teamIndex: number;
  conversationId: string;
  type: "ASSIGNED" | "UNASSIGNED";
  sentAt: number;
  doneAt: number;
  ok: boolean;
  measured: boolean;
  error?: string;
  received: number;
  latencies: number[];
}

/** Picks the next conversation of a team and toggles it: assign to an agent when unassigned, else unassign. */
class Driver {
  private readonly cursor: number[];
  private readonly busy = new Set<string>();
  private readonly broken = new Set<string>();
  private readonly assignee = new Map<string, string | null>();
  readonly ops: Op[] = [];
  inFlight = 0;
  skipped = 0;

  constructor(private readonly org: GeneratedOrg, private readonly url: string, private readonly actorTokens: string[]) {
    this.cursor = org.teams.map(() => 0);
    for (const t of org.teams) for (const c of t.conversations) this.assignee.set(c.id, c.assigneeId);
  }

  fire(teamIndex: number, measured: boolean): Promise<Op> | null {
    const team = this.org.teams[teamIndex];
    let conv: { id: string } | undefined;
    for (let tries = 0; tries < team.conversations.length; tries++) {
      const c = team.conversations[this.cursor[teamIndex]++ % team.conversations.length];
      if (!this.busy.has(c.id) && !this.broken.has(c.id)) { conv = c; break; }
    }
    if (!conv || this.inFlight >= 200) { this.skipped++; return null; }
    const id = conv.id;
    const current = this.assignee.get(id) ?? null;
    const agent = team.agentIds[this.cursor[teamIndex] % team.agentIds.length];
    const body = current === null
      ? { query: ASSIGN, variables: { input: { conversationId: id, assigneeId: agent } } }
      : { query: UNASSIGN, variables: { id } };
    const op: Op = { teamIndex, conversationId: id, type: current === null ? "ASSIGNED" : "UNASSIGNED", sentAt: Date.now(), doneAt: 0, ok: false, measured, received: 0, latencies: [] };
    this.ops.push(op);
    this.busy.add(id);
    this.inFlight++;
    return (async () => {
      try {
        const res = await fetch(`${this.url}/graphql`, {
          method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${this.actorTokens[teamIndex]}` }, body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const json = (await res.json()) as { data?: Record<string, { id: string } | null>; errors?: { message: string; extensions?: { code?: string } }[] };
        op.ok = res.ok && !json.errors?.length && !!json.data && Object.values(json.data).some((v) => v?.id === id);
        if (op.ok) this.assignee.set(id, op.type === "ASSIGNED" ? agent : null);
        else { op.error = JSON.stringify(json.errors ?? json).slice(0, 300); this.broken.add(id); }
      } catch (err) {
        op.error = err instanceof Error ? err.message : String(err);
        this.broken.add(id);
      } finally {
        op.doneAt = Date.now();
        this.busy.delete(id);
        this.inFlight--;
      }
      return op;
    })();
  }
}

/** Runs the benchmark end to end; children are killed whatever happens. */
export async function runSubscriptionBench(input: BenchOptions, log: Log = (l) => process.stderr.write(`[bench:subscriptions] ${l}\n`)): Promise<BenchReport> {
  const opts = normalize(input);
  const say: Log = opts.verbose ? log : () => undefined;
  const startedAt = new Date();
  const loadBefore = loadavg().map((l) => round(l, 2));
  if (loadBefore[0] > cpus().length / 2) {
    log(`warning: the machine is busy (load average ${loadBefore.join(", ")} on ${cpus().length} CPUs): other work competes with the gateway and the figures will show it`);
  }
  let buildDir: string | null = null;
  try {
    // 1. The database and the organization.
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const file = resolve(ROOT, opts.sqlitePath);
      mkdirSync(dirname(file), { recursive: true });
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      databaseUrl = `sqlite:${file}`;
    }
    const dbConfig = parseDatabaseUrl(databaseUrl);
    const setupDb = await openDatabase(dbConfig);
    let org: GeneratedOrg;
    try {
      const t0 = Date.now();
      org = await generateOrganization(setupDb, {
        teams: opts.teams, managers: opts.managers, agentsPerTeam: opts.agentsPerTeam, conversationsPerTeam: opts.conversationsPerTeam,
      });
      say(`generated ${org.slug}: ${opts.teams} teams, ${opts.managers} managers, ${opts.teams * opts.agentsPerTeam} agents, ` +
        `${opts.teams * opts.conversationsPerTeam} conversations in ${Date.now() - t0} ms`);
    } finally {
      await setupDb.dataSource.destroy();
    }

    // 2. The gateway, in its own process.
    const runtime: BenchReport["config"]["gatewayRuntime"] = opts.tsNode ? "ts-node" : "compiled";
    if (!opts.tsNode) buildDir = await compile(say);
    const entry = (name: string) => buildDir ? join(buildDir, "bench", "subscriptions", `${name}.js`) : join(ROOT, "bench", "subscriptions", `${name}.ts`);
    const baseExecArgv = opts.tsNode ? ["-r", "ts-node/register/transpile-only"] : [];
    const secret = randomBytes(32).toString("hex");
    // Each team's driving manager makes rate/teams changes per second; raise the per-principal
    // budget only when that would exceed the default (600 a minute).
    const perActorPerMinute = Math.ceil((opts.rate / opts.teams) * 60) + 10;
    const env: NodeJS.ProcessEnv = {
      ...(perActorPerMinute > 500 ? { RATE_LIMIT_PER_MINUTE: String(perActorPerMinute * 2) } : {}),
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", LOG_LEVEL: "warn", SEED_DEMO: "false", PORT: "0",
      DATABASE_URL: databaseUrl, JWT_SECRET: secret, ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...(process.env.BENCH_COUNT_QUERIES ? { BENCH_COUNT_QUERIES: process.env.BENCH_COUNT_QUERIES } : {}),
      ...(process.env.BENCH_SQLITE_SYNCHRONOUS ? { BENCH_SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS } : {}),
      ...(opts.tsNode ? { TS_NODE_PROJECT: join(ROOT, "tsconfig.json") } : {}),
    };
    const gateway = fork(entry("gateway"), [], { cwd: ROOT, env, execArgv: [...baseExecArgv, ...opts.gatewayNodeOptions], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.add(gateway);
    const ready = await waitForMessage<{ type: "ready"; port: number; pid: number }>(gateway, "ready", 120_000);
    const url = `http://127.0.0.1:${ready.port}`;
    await sleep(500);
    const idle = procMemory(ready.pid);
    say(`gateway pid ${ready.pid} on ${url}, RSS ${mb(idle.rss)} MB idle`);

    // 3. Tokens and subscriptions, spread over the teams.
    const keySecret = new TextEncoder().encode(secret);
    const managerTeam: { id: string; team: number }[] = [];
    // Managers in team order, interleaved: subscription i → manager i mod M, so teams fill evenly.
    const maxPerTeam = Math.max(...org.teams.map((t) => t.managerIds.length));
    for (let i = 0; i < maxPerTeam; i++) org.teams.forEach((t, ti) => { if (t.managerIds[i]) managerTeam.push({ id: t.managerIds[i], team: ti }); });
    const tokens = await Promise.all(managerTeam.map((m) => signUserToken(keySecret, m.id, "6h")));
    // Each team's changes are made by its first manager (as a supervisor would, within the
    // per-principal rate limit); they watch their queue too.
    const actorTokens = await Promise.all(org.teams.map((t) => signUserToken(keySecret, t.managerIds[0], "6h")));
    const perProcess: ClientSub[][] = Array.from({ length: opts.clientProcesses }, () => []);
    for (let i = 0; i < opts.subscriptions; i++) {
      const m = i % managerTeam.length;
      perProcess[i % opts.clientProcesses].push({ token: tokens[m], teamId: org.teams[managerTeam[m].team].id });
    }

    const clients = perProcess.map(() => {
      const c = fork(entry("clients"), [], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, execArgv: baseExecArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      children.add(c);
      return c;
    });
    const wsUrl = `ws://127.0.0.1:${ready.port}/graphql`;
    const connectStarted = Date.now();
    const connectTimeoutMs = 60_000;
    const connectedMsgs = await Promise.all(clients.map((c, i) => {
      const done = waitForMessage<Extract<FromClients, { type: "connected" }>>(c, "connected", 30 * 60_000);
      c.send({ type: "start", url: wsUrl, query: SUBSCRIPTION, subs: perProcess[i], concurrency: Math.ceil(opts.connectConcurrency / clients.length), connectTimeoutMs } satisfies ToClients);
      return done;
    }));
    const connected = connectedMsgs.reduce((s, m) => s + m.ok, 0);
    // Deliveries are expected to the subscriptions that connected (failures are reported under connect).
    const livePerTeam = org.teams.map((t) => connectedMsgs.reduce((s, m) => s + (m.okByTeam[t.id] ?? 0), 0));
    const connectFailed = connectedMsgs.reduce((s, m) => s + m.failed, 0);
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    say(`${connected}/${opts.subscriptions} subscriptions connected in ${connectSeconds.toFixed(1)} s (${connectFailed} failed)`);
    if (connected === 0) throw new Error(`no subscription connected: ${connectedMsgs.flatMap((m) => m.sampleErrors).join("; ")}`);

    const progress = async () => {
      const all = await Promise.all(clients.map((c) => {
        const p = waitForMessage<Extract<FromClients, { type: "progress" }>>(c, "progress", 30_000);
        c.send({ type: "progress" } satisfies ToClients);
        return p;
      }));
      return all.reduce((s, p) => ({ open: s.open + p.open, withEvent: s.withEvent + p.withEvent, nexts: s.nexts + p.nexts, errors: s.errors + p.errors, closed: s.closed + p.closed }),
        { open: 0, withEvent: 0, nexts: 0, errors: 0, closed: 0 });
    };

    // 4. Warm-up: an event per team until every subscription has received one (they are then all live).
    const driver = new Driver(org, url, actorTokens);
    const warmStarted = Date.now();
    let warm = await progress();
    for (let round = 0; warm.withEvent < connected && Date.now() - warmStarted < 120_000; round++) {
      if (round % 10 === 0) await Promise.all(org.teams.map((_, ti) => driver.fire(ti, false)));
      await sleep(250);
      warm = await progress();
    }
    say(`warm-up: ${warm.withEvent}/${connected} subscriptions live after ${((Date.now() - warmStarted) / 1000).toFixed(1)} s`);
    await sleep(500);
    const base = await progress();
    const connectedMem = procMemory(ready.pid);
    if (opts.heapSnapshotDir) {
      const dir = resolve(ROOT, opts.heapSnapshotDir);
      mkdirSync(dir, { recursive: true });
      const written = waitForMessage<{ type: "heapsnapshot"; file: string }>(gateway, "heapsnapshot", 300_000);
      gateway.send({ type: "heapsnapshot", file: join(dir, `gateway-${connected}-subscriptions.heapsnapshot`) });
      say(`heap snapshot written to ${(await written).file}`);
    }
    say(`gateway RSS ${mb(connectedMem.rss)} MB with ${connected} subscriptions`);

    // 5. The measured phase: an open loop at a fixed rate, round-robin over the teams.
    const total = Math.round(opts.rate * opts.durationSeconds);
    const interval = 1000 / opts.rate;
    const pending: Promise<Op>[] = [];
    let peakRss = connectedMem.rss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, procMemory(ready.pid).rss); }, 250);
    if (opts.cpuProfileDir) {
      const started = waitForMessage(gateway, "profile-started", 10_000);
      gateway.send({ type: "profile-start" });
      await started;
    }
    const reset = waitForMessage(gateway, "stats-reset", 10_000);
    gateway.send({ type: "reset-stats" });
    await reset;
    const phaseStart = performance.now();
    const cpuStart = procCpuMs(ready.pid);
    const clientCpuStart = clients.map((c) => procCpuMs(c.pid!));
    let lastCpu = { cpu: cpuStart, t: performance.now() };
    const driverCpuStart = process.cpuUsage();
    const nextTeam = (i: number) => i % org.teams.length;
    for (let i = 0; i < total; i++) {
      const wait = phaseStart + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const p = driver.fire(nextTeam(i), true);
      if (p) pending.push(p);
      if (opts.verbose && i > 0 && i % Math.round(opts.rate * 5) === 0) {
        const cpu = procCpuMs(ready.pid), t = performance.now();
        say(`  t=${((t - phaseStart) / 1000).toFixed(0)} s: ${i} events sent, ${driver.ops.filter((o) => o.measured && o.doneAt).length} answered, ` +
          `gateway CPU ${Math.round((100 * (cpu - lastCpu.cpu)) / (t - lastCpu.t))}%, RSS ${mb(procMemory(ready.pid).rss)} MB`);
        lastCpu = { cpu, t };
      }
    }
    const phaseSeconds = (performance.now() - phaseStart) / 1000;
    await Promise.all(pending);
    const measured = driver.ops.filter((o) => o.measured);
    const committed = measured.filter((o) => o.ok);
    const expected = committed.reduce((s, o) => s + livePerTeam[o.teamIndex], 0);

    // 6. Let late deliveries arrive, then collect.
    const drainStart = Date.now();
    while (Date.now() - drainStart < opts.drainSeconds * 1000) {
      if ((await progress()).nexts - base.nexts >= expected) break;
      await sleep(250);
    }
    clearInterval(sampler);
    const cpuMs = procCpuMs(ready.pid) - cpuStart;
    const cpuElapsedMs = performance.now() - phaseStart;
    const clientCpuPercent = clients.map((c, i) => round((100 * (procCpuMs(c.pid!) - clientCpuStart[i])) / cpuElapsedMs));
    const driverCpu = process.cpuUsage(driverCpuStart);
    const driverCpuPercent = round((100 * (driverCpu.user + driverCpu.system)) / 1000 / cpuElapsedMs);
    if (opts.cpuProfileDir) {
      const dir = resolve(ROOT, opts.cpuProfileDir);
      mkdirSync(dir, { recursive: true });
      const stopped = waitForMessage<{ type: "profile-stopped"; file: string | null }>(gateway, "profile-stopped", 60_000);
      gateway.send({ type: "profile-stop", file: join(dir, `gateway-${connected}-subscriptions-${opts.rate}-per-second.cpuprofile`) });
      say(`CPU profile of the measured phase: ${(await stopped).file}`);
    }
    const endMem = procMemory(ready.pid);
    if (opts.heapSnapshotDir) {
      const written = waitForMessage<{ type: "heapsnapshot"; file: string }>(gateway, "heapsnapshot", 300_000);
      gateway.send({ type: "heapsnapshot", file: join(resolve(ROOT, opts.heapSnapshotDir), `gateway-${connected}-subscriptions-end.heapsnapshot`) });
      say(`heap snapshot written to ${(await written).file}`);
    }
    peakRss = Math.max(peakRss, endMem.rss);
    const stats = await (async (): Promise<GatewayStats | null> => {
      try {
        const p = waitForMessage<GatewayStats & { type: "memory" }>(gateway, "memory", 5000);
        gateway.send({ type: "memory" });
        const m = await p;
        say(`event renders since start: ${JSON.stringify(m.renders)}`);
        say(`gateway event-loop delay during the measured phase: ${JSON.stringify(m.loopDelayMs)}; GC pauses: ${JSON.stringify(m.gc)}`);
        if (Object.keys(m.queries).length) say(`SQL statements run by the gateway:\n${Object.entries(m.queries).sort((a, b) => parseInt(b[1].split("× ")[1]) - parseInt(a[1].split("× ")[1])).slice(0, 15).map(([q, n]) => `  ${n.padStart(16)}  ${q}`).join("\n")}`);
        return m;
      } catch { return null; }
    })();
    const results = await Promise.all(clients.map((c) => {
      const r = waitForMessage<ClientResults>(c, "results", 60_000);
      c.send({ type: "collect" } satisfies ToClients);
      return r;
    }));

    // Match each received event to the mutation that caused it.
    const byConversation = new Map<string, Op[]>();
    for (const o of driver.ops) {
      const k = `${o.conversationId}|${o.type}`;
      byConversation.set(k, [...(byConversation.get(k) ?? []), o]);
    }
    let unexpected = 0;
    for (const r of results) {
      for (const [key, latencies] of Object.entries(r.events)) {
        const [conversationId, type, at] = key.split("|");
        const t = Date.parse(at);
        const op = byConversation.get(`${conversationId}|${type}`)?.find((o) => o.ok && t >= o.sentAt - 2 && t <= o.doneAt + 2);
        if (!op) { unexpected += latencies.length; continue; }
        op.received += latencies.length;
        for (const l of latencies) op.latencies.push(l);
      }
    }
    let delivered = 0, duplicates = 0;
    const latencies: number[] = [];
    for (const o of committed) {
      const want = livePerTeam[o.teamIndex];
      delivered += Math.min(o.received, want);
      duplicates += Math.max(0, o.received - want);
      for (const l of o.latencies) latencies.push(l);
    }
    const lost = Math.max(0, expected - delivered);
    const latency = percentiles(latencies);
    const roundTrip = percentiles(committed.map((o) => o.doneAt - o.sentAt));
    const closedCodes: Record<string, number> = {};
    for (const r of results) for (const [code, n] of Object.entries(r.closedCodes)) closedCodes[code] = (closedCodes[code] ?? 0) + n;

    // 7. Stop everything.
    await Promise.all(clients.map((c) => stopChild(c, { type: "close" } satisfies ToClients)));
    const hwm = procMemory(ready.pid).hwm;
    await stopChild(gateway, { type: "stop" }, 15_000);

    const goal = { subscriptions: 10_000, lost: 0, p99Ms: 250, rate: 20, rssMb: 1024 };
    const report: BenchReport = {
      kind: "subscriptions",
      startedAt: startedAt.toISOString(),
      goal,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", memoryGb: round(totalmem() / 1024 ** 3), node: process.version, platform: process.platform, loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => round(l, 2)) },
      config: {
        subscriptions: opts.subscriptions, distinctManagers: Math.min(opts.managers, opts.subscriptions), teams: opts.teams,
        subscriptionsPerTeam: round(opts.subscriptions / opts.teams), agentsPerTeam: opts.agentsPerTeam, conversationsPerTeam: opts.conversationsPerTeam,
        ratePerSecond: opts.rate, durationSeconds: opts.durationSeconds, clientProcesses: opts.clientProcesses,
        database: dbConfig.kind === "sqlite" ? `sqlite (${opts.sqlitePath})` : "mysql", redis: !!opts.redisUrl, gatewayRuntime: runtime,
      },
      connect: { requested: opts.subscriptions, connected, failed: connectFailed, seconds: round(connectSeconds), sampleErrors: connectedMsgs.flatMap((m) => m.sampleErrors).slice(0, 5) },
      events: {
        attempted: measured.length, committed: committed.length, failed: measured.length - committed.length, skipped: driver.skipped,
        achievedRatePerSecond: round(measured.length > 1 ? (measured.length - 1) / ((measured[measured.length - 1].sentAt - measured[0].sentAt) / 1000) : measured.length / phaseSeconds, 2), sampleErrors: measured.filter((o) => o.error).slice(0, 5).map((o) => o.error!),
      },
      deliveries: {
        expected, delivered, lost, duplicates, unexpected,
        errors: results.reduce((s, r) => s + r.errors, 0), completes: results.reduce((s, r) => s + r.completes, 0),
        closedSockets: Object.values(closedCodes).reduce((s, n) => s + n, 0),
        sampleErrors: results.flatMap((r) => r.sampleErrors).slice(0, 5),
      },
      latencyMs: latency,
      mutationRoundTripMs: roundTrip,
      gateway: {
        pid: ready.pid, cpuSeconds: round(cpuMs / 1000, 2), cpuPercentOfOneCore: round((100 * cpuMs) / cpuElapsedMs),
        cpuMicrosecondsPerDelivery: delivered ? round((cpuMs * 1000) / delivered) : 0, rssMb: { idle: mb(idle.rss), connected: mb(connectedMem.rss), peakDuringRun: mb(peakRss), end: mb(endMem.rss), hwm: mb(hwm) }, heapUsedMb: stats ? mb(stats.heapUsed) : null,
        eventLoopDelayMs: stats?.loopDelayMs ?? null, gcPausesMs: stats?.gc ?? null, renders: stats?.renders ?? null },
      clients: { rssMb: results.map((r) => mb(r.rss)), cpuPercentOfOneCore: clientCpuPercent, driverCpuPercentOfOneCore: driverCpuPercent },
      met: { subscriptions: false, lost: false, p99: false, rss: false, all: false },
    };
    report.met.subscriptions = connected >= goal.subscriptions;
    report.met.lost = lost === 0 && report.events.failed === 0;
    report.met.p99 = latency.samples > 0 && latency.p99 < goal.p99Ms && opts.rate >= goal.rate;
    report.met.rss = report.gateway.rssMb.hwm > 0 && report.gateway.rssMb.hwm < goal.rssMb;
    report.met.all = report.met.subscriptions && report.met.lost && report.met.p99 && report.met.rss;
    if (opts.reportPath) {
      const file = resolve(ROOT, opts.reportPath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
      say(`report written to ${opts.reportPath}`);
    }
    return report;
  } finally {
    killChildren();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  }
}

/** The summary printed at the end of a run. */
export function formatReport(r: BenchReport): string {
  const yes = (b: boolean) => (b ? "met" : "NOT met");
  return [
    `Live queue benchmark (${r.machine.cpus} CPUs, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.config.database}${r.config.redis ? " + Redis bus" : ""}; ` +
      `load average before ${r.machine.loadAverageBefore[0]}, after ${r.machine.loadAverageAfter[0]})`,
    `  subscriptions   ${r.connect.connected}/${r.connect.requested} connected in ${r.connect.seconds} s ` +
      `(${r.config.distinctManagers} managers over ${r.config.teams} teams, ~${r.config.subscriptionsPerTeam} per team)`,
    `  events          ${r.events.committed}/${r.events.attempted} committed at ${r.events.achievedRatePerSecond}/s for ${r.config.durationSeconds} s` +
      (r.events.failed ? ` — ${r.events.failed} failed: ${r.events.sampleErrors[0]}` : ""),
    `  deliveries      ${r.deliveries.delivered}/${r.deliveries.expected} delivered, ${r.deliveries.lost} lost, ${r.deliveries.duplicates} duplicate, ` +
      `${r.deliveries.unexpected} unexpected, ${r.deliveries.errors} errors, ${r.deliveries.closedSockets} sockets closed`,
    `  latency (ms)    p50 ${r.latencyMs.p50}  p95 ${r.latencyMs.p95}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}  (commit → client)`,
    `  mutation (ms)   p50 ${r.mutationRoundTripMs.p50}  p99 ${r.mutationRoundTripMs.p99}  (HTTP round trip of the driving mutations)`,
    `  gateway CPU     ${r.gateway.cpuSeconds} s over the measured phase and drain (${r.gateway.cpuPercentOfOneCore}% of one core), ` +
      `${r.gateway.cpuMicrosecondsPerDelivery} µs per delivery (mutations included)`,
    `  client CPU      ${r.clients.cpuPercentOfOneCore.map((p) => `${p}%`).join(" + ")} of one core (${r.clients.cpuPercentOfOneCore.length} processes), driver ${r.clients.driverCpuPercentOfOneCore}%`,
    `  gateway RSS MB  idle ${r.gateway.rssMb.idle}, connected ${r.gateway.rssMb.connected}, peak ${r.gateway.rssMb.peakDuringRun}, high-water ${r.gateway.rssMb.hwm}` +
      (r.gateway.heapUsedMb !== null ? ` (heap used ${r.gateway.heapUsedMb})` : ""),
    ...(r.gateway.eventLoopDelayMs ? [`  gateway loop    event-loop delay p50 ${r.gateway.eventLoopDelayMs.p50} p99 ${r.gateway.eventLoopDelayMs.p99} max ${r.gateway.eventLoopDelayMs.max} ms; ` +
      `GC pauses ${Object.entries(r.gateway.gcPausesMs ?? {}).map(([k, g]) => `${k} ${g.count}× ${g.ms} ms (max ${g.maxMs})`).join(", ")}`] : []),
    `  goal            ${r.goal.subscriptions} subscriptions ${yes(r.met.subscriptions)}; 0 lost ${yes(r.met.lost)}; ` +
      `p99 < ${r.goal.p99Ms} ms at ${r.goal.rate}/s ${yes(r.met.p99)}; RSS < ${r.goal.rssMb} MB ${yes(r.met.rss)}`,
  ].join("\n");
}

if (require.main === module) {
  const onSignal = (signal: NodeJS.Signals) => { killChildren(); process.exit(signal === "SIGINT" ? 130 : 143); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", killChildren);
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  runSubscriptionBench(options).then((report) => {
    process.stdout.write(`${formatReport(report)}\n`);
    process.exit(0);
  }, (err: unknown) => {
    process.stderr.write(`bench:subscriptions failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    killChildren();
    process.exit(1);
  });
}
