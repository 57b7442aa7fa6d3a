/**
 * `npm run bench`: generates (or reuses) the datasets, starts gateway variants as child
 * processes, drives them over 127.0.0.1, and reports every figure as a ratio of two
 * measurements taken side by side in this run (absolute numbers on a shared machine are noise).
 */
import "reflect-metadata";
import { ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Logger as OrmLogger } from "typeorm";
import { verifyChain } from "../src/audit/verifyChain";
import { signUserToken } from "../src/auth/tokens";
import { openDatabase } from "../src/bootstrap";
import type { DatabaseConfig } from "../src/config";
import type { Database } from "../src/db";
import { createLogger } from "../src/logger";
import { encodeCursor } from "../src/resolvers/types/cursor";
import { createGateway } from "../src/server";
import { buildForBench } from "./build";
import { benchPrincipals, DatasetInfo, datasetLocation, describeLocation, ensureDataset, middleOfQueue } from "./dataset";
import { benchConfig, FromGateway, GatewaySpec, ToGateway } from "./gatewayProcess";
import { GraphQLCall, latency, LatencySample, send, throughput, Throughput } from "./load";
import { BenchOptions, HELP, parseBenchArgs } from "./options";
import { assignBody, PageAnswer, pageBody } from "./queries";
import { machineInfo, MachineInfo, renderMarkdown, ScenarioResult } from "./report";

/** The largest page the bench gateways accept (the API's own cap stays 100). */
const BENCH_MAX_PAGE = 1000;
const STATEMENT_SIZES = [1, 50, 500];

export interface BenchResults {
  date: string;
  machine: MachineInfo;
  options: Omit<BenchOptions, "database"> & { database: string };
  datasets: DatasetInfo[];
  scenarios: ScenarioResult[];
  seconds: number;
}

/** Counts SQL statements, as test/helpers/testDatabase.ts does for the query-count test. */
class StatementCounter implements OrmLogger {
  count = 0;
  logQuery(): void { this.count++; }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

interface GatewayHandle {
  name: string;
  port: number;
  child: ChildProcess;
  post(m: ToGateway): void;
  next(type: FromGateway["type"]): Promise<FromGateway>;
  /** CPU microseconds the process has used so far. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks one gateway variant (the transpiled JavaScript in `buildDir`, on plain node) and waits for its port. */
async function spawnGateway(name: string, spec: GatewaySpec, buildDir: string, profileDir: string | null): Promise<GatewayHandle> {
  const execArgv = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const child = fork(join(buildDir, "bench", "gatewayProcess.js"), [], {
    execArgv,
    env: { ...process.env, BENCH_GATEWAY: JSON.stringify(spec) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiters: { type: string; resolve: (m: FromGateway) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | null = null;
  child.on("message", (m: FromGateway) => {
    const i = waiters.findIndex((w) => w.type === m.type || m.type === "error");
    if (i < 0) return;
    const [w] = waiters.splice(i, 1);
    if (m.type === "error") w.reject(new Error(`gateway ${name} failed: ${m.message}`)); else w.resolve(m);
  });
  child.on("exit", (code) => {
    exited = new Error(`gateway ${name} exited with code ${code}`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });
  const next = (type: FromGateway["type"]) => new Promise<FromGateway>((res, rej) => {
    if (exited) return rej(exited);
    waiters.push({ type, resolve: res, reject: rej });
  });
  const ready = await Promise.race([
    next("ready"),
    new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`gateway ${name} did not start within 120 s`)), 120_000).unref()),
  ]);
  return {
    name, port: (ready as { port: number }).port, child, next,
    post: (m) => { child.send(m); },
    cpuMicros: async () => {
      const reply = next("cpu");
      child.send({ type: "cpu" } satisfies ToGateway);
      return ((await reply) as { micros: number }).micros;
    },
    stop: () => new Promise<void>((res) => {
      if (child.exitCode !== null) return res();
      const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => { clearTimeout(kill); res(); });
      child.send({ type: "stop" } satisfies ToGateway);
    }),
  };
}

async function withDatabase<T>(location: DatabaseConfig, work: (db: Database) => Promise<T>, logger?: OrmLogger): Promise<T> {
  const db = await openDatabase(location, logger);
  try { return await work(db); } finally { await db.dataSource.destroy(); }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The raw numbers behind a throughput ratio, for the table. */
const rates = (p: { a: Throughput; b: Throughput; wall: number; cpu: number | null }): string =>
  `${p.a.requestsPerCpuSecond ?? "?"} vs ${p.b.requestsPerCpuSecond ?? "?"} req per CPU-s; wall clock ${p.a.requestsPerSecond} vs ${p.b.requestsPerSecond} req/s (ratio ${fmt(p.wall)})`;
const fmt = (x: number | null): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(2));

/** Adds up the rounds of one variant. */
function combine(runs: Throughput[]): Throughput {
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const weighted = (k: "latencyP50Ms" | "latencyP99Ms") => runs.reduce((s, r) => s + r[k] * r.requests, 0) / Math.max(requests, 1);
  const cpu = runs.every((r) => r.serverCpuSeconds !== null) ? runs.reduce((s, r) => s + r.serverCpuSeconds!, 0) : null;
  return {
    requests, seconds: round2(seconds), requestsPerSecond: round2(requests / Math.max(seconds, 0.001)),
    serverCpuSeconds: cpu === null ? null : round2(cpu), requestsPerCpuSecond: cpu ? round2(requests / cpu) : null,
    latencyP50Ms: round2(weighted("latencyP50Ms")), latencyP99Ms: round2(weighted("latencyP99Ms")),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0), errors: runs.reduce((s, r) => s + r.errors, 0),
    timeouts: runs.reduce((s, r) => s + r.timeouts, 0), badBodies: runs.reduce((s, r) => s + r.badBodies, 0),
  };
}

/**
 * Throughput of two variants, alternated `rounds` times so drift of a shared machine falls on
 * both alike. Each variant is first run for `warmup` seconds (JIT, caches) to estimate its rate;
 * each measured slice then sends as many requests as that rate fills in its share of `duration`,
 * and ends when the last response is in. Returns a's throughput ÷ b's.
 */
async function throughputPair(options: BenchOptions, a: GraphQLCall, b: GraphQLCall, checkBodies?: readonly string[]) {
  const load = { connections: options.connections, maxRequests: options.maxRequests };
  const slice = options.duration / options.rounds;
  const estimate = async (call: GraphQLCall) => {
    const warm = await throughput(call, { ...load, duration: Math.max(options.warmup, 0.2) }, checkBodies);
    await send(call); // queued behind what the warm-up left in flight: the server is idle again after it
    return warm.requestsPerSecond;
  };
  const amount = (rate: number) => Math.max(options.connections * 2, Math.ceil(rate * slice));
  let rateA = await estimate(a);
  let rateB = await estimate(b);
  const runsA: Throughput[] = [];
  const runsB: Throughput[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const ra = await throughput(a, { ...load, duration: slice, amount: amount(rateA) }, checkBodies);
    const rb = await throughput(b, { ...load, duration: slice, amount: amount(rateB) }, checkBodies);
    runsA.push(ra);
    runsB.push(rb);
    rateA = ra.requestsPerSecond || rateA;
    rateB = rb.requestsPerSecond || rateB;
  }
  const ta = combine(runsA);
  const tb = combine(runsB);
  // Two figures. Per CPU-second: requests ÷ the CPU time the server process spent on them, i.e.
  // its capacity on one core, which other processes on a shared machine do not distort; this is
  // the headline. Wall clock: requests per second as the client saw them, for each round's two
  // back-to-back slices (the least disturbed pairing), median over rounds.
  const perRound = runsA.map((ra, i) => ra.requestsPerSecond / Math.max(runsB[i].requestsPerSecond, 0.001));
  const wall = round2(median(perRound));
  const cpu = ta.requestsPerCpuSecond && tb.requestsPerCpuSecond ? round2(ta.requestsPerCpuSecond / tb.requestsPerCpuSecond) : null;
  return { a: ta, b: tb, ratio: cpu ?? wall, cpu, wall, perRound: perRound.map(round2), overall: round2(ta.requestsPerSecond / Math.max(tb.requestsPerSecond, 0.001)) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** p50 latencies of two calls, sampled alternately in `rounds`. */
async function latencyPair(options: BenchOptions, a: GraphQLCall, b: GraphQLCall) {
  const per = Math.max(1, Math.floor(options.latencySamples / options.rounds));
  const warm = Math.min(20, per);
  const samplesA: LatencySample[] = [];
  const samplesB: LatencySample[] = [];
  for (let r = 0; r < options.rounds; r++) {
    samplesA.push(await latency(a, per, options.duration / options.rounds, r === 0 ? warm : 0));
    samplesB.push(await latency(b, per, options.duration / options.rounds, r === 0 ? warm : 0));
  }
  const merge = (s: LatencySample[]) => {
    const n = s.reduce((x, y) => x + y.samples, 0);
    const w = (k: keyof LatencySample) => round2(s.reduce((x, y) => x + y[k] * y.samples, 0) / Math.max(n, 1));
    return { samples: n, p50Ms: w("p50Ms"), p90Ms: w("p90Ms"), p99Ms: w("p99Ms"), meanMs: w("meanMs") };
  };
  const la = merge(samplesA);
  const lb = merge(samplesB);
  return { a: la, b: lb, ratio: round2(la.p50Ms / Math.max(lb.p50Ms, 0.001)) };
}

/** Sends one page and checks it: rows, and which errors it carried. */
async function probePage(call: GraphQLCall): Promise<{ answer: PageAnswer; rows: number; errorCodes: Record<string, number> }> {
  const res = await send(call);
  if (res.status !== 200) throw new Error(`page probe on port ${call.port}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  const answer = JSON.parse(res.body) as PageAnswer;
  if (!answer.data?.conversations) throw new Error(`page probe on port ${call.port}: no data: ${res.body.slice(0, 500)}`);
  const errorCodes: Record<string, number> = {};
  for (const e of answer.errors ?? []) errorCodes[String(e.extensions?.code)] = (errorCodes[String(e.extensions?.code)] ?? 0) + 1;
  return { answer, rows: answer.data.conversations.nodes.length, errorCodes };
}

/** Runs the whole harness; resolves to the results and where they were written. */
export async function runBench(options: BenchOptions, print: (line: string) => void = console.log): Promise<{ results: BenchResults; jsonPath: string; markdownPath: string; markdown: string }> {
  if (process.env.NODE_ENV === "production") throw new Error("the bench starts bench-only gateway variants, which are refused when NODE_ENV=production");
  const started = Date.now();
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  const say = options.quiet ? () => {} : print;
  const scenarios: ScenarioResult[] = [];
  const report = (s: ScenarioResult) => {
    scenarios.push(s);
    say(`${s.id.padEnd(24)} ${s.measure} = ${fmt(s.ratio)}${s.goal ? ` (goal ${s.goal}) ${s.met ? "met" : "MISSED"}` : ""}  ${s.summary}`);
  };
  const wants = (g: BenchOptions["groups"][number]) => options.groups.includes(g);

  // 1. Datasets.
  const mainLocation = datasetLocation(options.database, options.conversations);
  const sizes = [...new Set([options.conversations, ...(wants("scale") ? [options.scaleSmall, options.scaleLarge] : [])])].sort((x, y) => x - y);
  const datasets: DatasetInfo[] = [];
  for (const n of sizes) {
    const info = await ensureDataset(datasetLocation(options.database, n), n, { batchSize: options.batchSize, progress: !options.quiet && process.stderr.isTTY, log: say });
    say(`dataset ${n}: ${info.status} at ${info.location} in ${info.seconds.toFixed(1)} s${info.rowsPerSecond ? ` (${info.rowsPerSecond} rows/s)` : ""}`);
    datasets.push(info);
  }

  const secret = randomBytes(32);
  const token = async (userId: string) => `Bearer ${await signUserToken(secret, userId, "12h")}`;
  const agent = await token(benchPrincipals.agentId);
  const manager = await token(benchPrincipals.managerId);
  const team = benchPrincipals.teamId;
  const spec = (variant: GatewaySpec["variant"], database: DatabaseConfig): GatewaySpec =>
    ({ variant, database, jwtSecretHex: secret.toString("hex"), maxPageSize: BENCH_MAX_PAGE });

  // 2. SQL statements per request, in-process with a counting logger (no load).
  if (wants("statements")) {
    const counter = new StatementCounter();
    await withDatabase(mainLocation, async (db) => {
      const s = spec("governed", mainLocation);
      const gateway = await createGateway({ config: { ...benchConfig(s), jwtSecret: secret }, db, logger: createLogger("silent"), bench: { maxPageSize: BENCH_MAX_PAGE } });
      await new Promise<void>((res) => gateway.httpServer.listen(0, "127.0.0.1", res));
      const port = (gateway.httpServer.address() as { port: number }).port;
      try {
        for (const [role, authorization] of [["AGENT", agent], ["MANAGER", manager]] as const) {
          await send({ port, authorization, body: pageBody(team, 1) }); // warm: first-use work is not per request
          const counts: { rows: number; statements: number }[] = [];
          for (const first of STATEMENT_SIZES) {
            counter.count = 0;
            const probe = await probePage({ port, authorization, body: pageBody(team, first) });
            counts.push({ rows: probe.rows, statements: counter.count });
          }
          const same = counts.every((c) => c.statements === counts[0].statements);
          report({
            id: `statements-${role.toLowerCase()}`, title: `queue page at ${STATEMENT_SIZES.join(", ")} rows, as ${role}`,
            measure: "SQL statements per request", goal: "the same at every size", ratio: round2(counts[counts.length - 1].statements / Math.max(counts[0].statements, 1)),
            met: same, summary: counts.map((c) => `${c.rows} rows: ${c.statements}`).join(" · "), detail: { sizes: STATEMENT_SIZES, counts },
          });
        }
      } finally {
        await gateway.stop();
        await new Promise((res) => gateway.httpServer.close(res));
      }
    }, counter);
  }

  // 3. Gateways under load, one child process per variant.
  const profileDir = options.profile ? join(options.out, "profiles", date) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const handles: GatewayHandle[] = [];
  const buildDir = join(resolve(__dirname, ".."), "node_modules", ".cache", `switchboard-bench-${process.pid}`);
  const start = async (name: string, s: GatewaySpec) => { const h = await spawnGateway(name, s, buildDir, profileDir); handles.push(h); return h; };
  try {
    buildForBench(buildDir);
    const needed: Promise<GatewayHandle>[] = [];
    const governed = wants("authorization") || wants("audit") || wants("ceiling") ? start("governed", spec("governed", mainLocation)) : null;
    const authOff = wants("authorization") ? start("authorization-off", spec("authorization-off", mainLocation)) : null;
    const auditOff = wants("audit") ? start("audit-off", spec("audit-off", mainLocation)) : null;
    const bare = wants("ceiling") ? start("bare", spec("bare", mainLocation)) : null;
    const smallLocation = datasetLocation(options.database, options.scaleSmall);
    const largeLocation = datasetLocation(options.database, options.scaleLarge);
    const small = wants("scale") ? start(`governed-${options.scaleSmall}`, spec("governed", smallLocation)) : null;
    const large = wants("scale") ? start(`governed-${options.scaleLarge}`, spec("governed", largeLocation)) : null;
    for (const p of [governed, authOff, auditOff, bare, small, large]) if (p) needed.push(p);
    await Promise.all(needed);
    const call = (h: GatewayHandle, authorization: string | null, body: string | (() => string)): GraphQLCall => ({ port: h.port, authorization, body, cpuMicros: h.cpuMicros });

    // 3a. Authorization on ÷ off, at 50 and 1,000 rows, as an AGENT and as a MANAGER.
    if (governed && authOff) {
      const on = await governed;
      const off = await authOff;
      for (const [rows, goal] of [[50, 0.85], [1000, 0.75]] as const) {
        for (const [role, authorization] of [["AGENT", agent], ["MANAGER", manager]] as const) {
          const body = pageBody(team, rows);
          const probeOn = await probePage(call(on, authorization, body));
          const probeOff = await probePage(call(off, authorization, body));
          const unexpected = Object.keys(probeOn.errorCodes).filter((c) => c !== "FORBIDDEN");
          if (unexpected.length || Object.keys(probeOff.errorCodes).length || probeOn.rows !== probeOff.rows) {
            throw new Error(`page of ${rows} as ${role}: on ${JSON.stringify(probeOn.errorCodes)}/${probeOn.rows} rows, off ${JSON.stringify(probeOff.errorCodes)}/${probeOff.rows} rows`);
          }
          const pair = await throughputPair(options, call(on, authorization, body), call(off, authorization, body));
          report({
            id: `page${rows}-${role.toLowerCase()}`, title: `${rows}-conversation queue page as ${role}`,
            measure: "throughput per server CPU-second, authorization on ÷ off", goal: `≥ ${goal}`, ratio: pair.ratio, met: pair.ratio >= goal,
            summary: `${rates(pair)}; ${probeOn.rows} rows, ${probeOn.errorCodes.FORBIDDEN ?? 0} fields FORBIDDEN`,
            detail: { rows: probeOn.rows, forbiddenFields: probeOn.errorCodes.FORBIDDEN ?? 0, sameDataAsOff: isDeepStrictEqual(probeOn.answer.data, probeOff.answer.data), cpuRatio: pair.cpu, wallRatio: pair.wall, perRound: pair.perRound, overall: pair.overall, on: pair.a, off: pair.b },
          });
        }
      }
    }

    // 3b. The same page at two table sizes: p50 latency, one request at a time.
    if (small && large) {
      const s = await small;
      const l = await large;
      const deepSmall = middleOfQueue(options.scaleSmall);
      const deepLarge = middleOfQueue(options.scaleLarge);
      const cases = [
        { id: "agent", title: "first page as AGENT", authorization: agent, after: [null, null] },
        { id: "manager", title: "first page as MANAGER", authorization: manager, after: [null, null] },
        { id: "manager-deep", title: "page halfway down the queue (keyset cursor) as MANAGER", authorization: manager,
          after: [encodeCursor({ at: deepSmall.createdAt, id: deepSmall.id }), encodeCursor({ at: deepLarge.createdAt, id: deepLarge.id })] },
      ];
      for (const c of cases) {
        const a = call(l, c.authorization, pageBody(team, 50, c.after[1]));
        const b = call(s, c.authorization, pageBody(team, 50, c.after[0]));
        const [pa, pb] = [await probePage(a), await probePage(b)];
        const pair = await latencyPair(options, a, b);
        report({
          id: `scale-${c.id}`, title: `50-row ${c.title}, ${options.scaleLarge} vs ${options.scaleSmall} conversations`,
          measure: `p50 latency ${options.scaleLarge} ÷ ${options.scaleSmall}`, goal: "≤ 1.5", ratio: pair.ratio, met: pair.ratio <= 1.5,
          summary: `${pair.a.p50Ms} vs ${pair.b.p50Ms} ms, ${pa.rows}/${pb.rows} rows`,
          detail: { large: { conversations: options.scaleLarge, rows: pa.rows, ...pair.a }, small: { conversations: options.scaleSmall, rows: pb.rows, ...pair.b } },
        });
      }
    }

    // 3c. assignConversation with its audit entry ÷ without the audit write.
    if (governed && auditOff) {
      const on = await governed;
      const off = await auditOff;
      const pool = await withDatabase(mainLocation, (db) => db.manager.query(
        "SELECT id, assigneeId FROM conversations WHERE organizationId = ? AND teamId = ? AND status = 'RESOLVED' ORDER BY createdAt LIMIT 4000",
        [benchPrincipals.organizationId, team]) as Promise<{ id: string; assigneeId: string | null }[]>);
      if (pool.length < 2) throw new Error("the dataset has too few conversations for the assignment scenario");
      const current = new Map(pool.map((c) => [c.id, c.assigneeId]));
      const agents = benchPrincipals.agentIds;
      let next = 0;
      // Each request moves the next conversation of the pool to an agent other than its current one.
      const body = () => {
        const c = pool[next++ % pool.length].id;
        const to = agents[(agents.indexOf(current.get(c) ?? "") + 1) % agents.length];
        current.set(c, to);
        return assignBody(c, to);
      };
      const pair = await throughputPair(options, call(on, manager, body), call(off, manager, body), []);
      const chain = await withDatabase(mainLocation, (db) => verifyChain(db.manager, benchPrincipals.organizationId));
      report({
        id: "assign-audit", title: "assignConversation as MANAGER", measure: "throughput per server CPU-second, with audit ÷ without the audit write",
        goal: "≥ 0.7", ratio: pair.ratio, met: pair.ratio >= 0.7 && pair.a.badBodies === 0 && pair.b.badBodies === 0 && chain.ok,
        summary: `${rates(pair)}; failed answers ${pair.a.badBodies}/${pair.b.badBodies}, audit chain ${chain.ok ? "verified" : "BROKEN"} (${chain.entries} entries)`,
        detail: { cpuRatio: pair.cpu, wallRatio: pair.wall, perRound: pair.perRound, overall: pair.overall, withAudit: pair.a, withoutAudit: pair.b, auditChain: chain },
      });
    }

    // 3d. The framework's ceiling: the governed page ÷ a bare Apollo Server answering the same JSON from memory.
    if (governed && bare) {
      const on = await governed;
      const b = await bare;
      const body = pageBody(team, 50);
      const probe = await probePage(call(on, manager, body));
      b.post({ type: "answer", data: probe.answer.data!.conversations });
      await b.next("answering");
      const bareProbe = await probePage(call(b, null, body));
      if (!isDeepStrictEqual(bareProbe.answer.data, probe.answer.data)) throw new Error("the bare server does not answer the same JSON as the gateway");
      const pair = await throughputPair(options, call(on, manager, body), call(b, null, body));
      report({
        id: "ceiling", title: "50-row queue page as MANAGER vs a bare Apollo Server with the same JSON in memory",
        measure: "throughput per server CPU-second, gateway ÷ bare Apollo", goal: null, ratio: pair.ratio, met: null,
        summary: `${rates(pair)} (report only: the framework's ceiling)`,
        detail: { cpuRatio: pair.cpu, wallRatio: pair.wall, perRound: pair.perRound, overall: pair.overall, gateway: pair.a, bare: pair.b },
      });
    }
  } finally {
    await Promise.all(handles.map((h) => h.stop()));
    rmSync(buildDir, { recursive: true, force: true });
  }

  // 4. Results.
  const { database: _db, ...rest } = options;
  const results: BenchResults = {
    date: new Date(started).toISOString(), machine: machineInfo(), options: { ...rest, database: describeLocation(options.database) },
    datasets, scenarios, seconds: round2((Date.now() - started) / 1000),
  };
  mkdirSync(options.out, { recursive: true });
  const jsonPath = join(options.out, `${date}.json`);
  const markdownPath = join(options.out, `${date}.md`);
  const markdown = renderMarkdown(results);
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(markdownPath, markdown);
  say("");
  say(markdown);
  say(`results: ${jsonPath}`);
  return { results, jsonPath, markdownPath, markdown };
}

if (require.main === module) {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message + "\n\n" + HELP);
    process.exit(2);
  }
  if (parsed === "help") {
    console.log(HELP);
    process.exit(0);
  }
  runBench(parsed).then(() => process.exit(0), (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  });
}
