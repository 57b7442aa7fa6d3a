/**
 * Settings of the live-queue benchmark (`npm run bench:subscriptions`), from flags or the
 * environment. Defaults are the goal of issue 5: 10,000 supervisor subscriptions on one gateway,
 * 20 queue events per second.
 */
export interface BenchOptions {
  /** Concurrent `queueChanged` subscriptions, one WebSocket each. */
  subscriptions: number;
  /** Distinct MANAGER users the subscriptions belong to (≤ subscriptions; equal by default). */
  managers: number;
  /** Teams of the generated organization; managers and subscriptions are spread evenly. */
  teams: number;
  /** Agents per team (assignees of the driven conversations). */
  agentsPerTeam: number;
  /** Open conversations per team (half assigned at start). */
  conversationsPerTeam: number;
  /** Queue events (assign/unassign mutations) per second during the measured phase. */
  rate: number;
  /** Length of the measured phase, in seconds. */
  durationSeconds: number;
  /** Child processes that hold the client sockets (the gateway runs in its own process). */
  clientProcesses: number;
  /** WebSocket handshakes in flight at once while connecting. */
  connectConcurrency: number;
  /** `DATABASE_URL` for the gateway; unset: a fresh SQLite file (`sqlitePath`). */
  databaseUrl: string | null;
  sqlitePath: string;
  /** Optional REDIS_URL for the gateway (the goal is about one instance without it). */
  redisUrl: string | null;
  /** How long to wait for late deliveries after the last event, in seconds. */
  drainSeconds: number;
  /** Where the JSON report goes (null: not written). */
  reportPath: string | null;
  /** Write a V8 CPU profile of the gateway during the measured phase into this directory. */
  cpuProfileDir: string | null;
  /** Write a heap snapshot of the gateway into this directory once the subscriptions are live. */
  heapSnapshotDir: string | null;
  /** Extra Node.js flags for the gateway process (e.g. `--max-semi-space-size=64`). */
  gatewayNodeOptions: string[];
  /** Run the children through ts-node instead of compiling first (slower start, more gateway RSS). */
  tsNode: boolean;
  /** Print progress lines. */
  verbose: boolean;
}

export const defaultOptions = (): BenchOptions => ({
  subscriptions: 10_000,
  managers: 0, // 0: one manager per subscription
  teams: 20,
  agentsPerTeam: 8,
  conversationsPerTeam: 40,
  rate: 20,
  durationSeconds: 30,
  clientProcesses: 2,
  connectConcurrency: 64,
  databaseUrl: null,
  sqlitePath: "data/bench-subscriptions.sqlite",
  redisUrl: null,
  drainSeconds: 5,
  reportPath: "bench/subscriptions/report.json",
  cpuProfileDir: null,
  heapSnapshotDir: null,
  gatewayNodeOptions: [],
  tsNode: false,
  verbose: true,
});

const NUMERIC: Record<string, keyof BenchOptions> = {
  subscriptions: "subscriptions", managers: "managers", teams: "teams", agents: "agentsPerTeam",
  conversations: "conversationsPerTeam", rate: "rate", duration: "durationSeconds", "client-processes": "clientProcesses",
  "connect-concurrency": "connectConcurrency", drain: "drainSeconds",
};

/** Reads `--subscriptions=10000 --rate=20 --duration=30 …` (and DATABASE_URL / REDIS_URL from the environment). */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const o = defaultOptions();
  o.databaseUrl = env.DATABASE_URL?.trim() || null;
  o.redisUrl = env.BENCH_REDIS_URL?.trim() || null;
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    const [, name, value] = m;
    if (name in NUMERIC) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
      (o as unknown as Record<string, number>)[NUMERIC[name]] = n;
    } else if (name === "report") o.reportPath = value || null;
    else if (name === "sqlite") o.sqlitePath = value;
    else if (name === "redis") o.redisUrl = value || "redis://127.0.0.1:6379";
    else if (name === "cpu-prof") o.cpuProfileDir = value || "data/bench-profiles";
    else if (name === "heap-snapshot") o.heapSnapshotDir = value || "data/bench-profiles";
    else if (name === "gateway-node-options") o.gatewayNodeOptions = (value ?? "").split(/\s+/).filter(Boolean);
    else if (name === "ts-node") o.tsNode = true;
    else if (name === "quiet") o.verbose = false;
    else throw new Error(`unknown option --${name}`);
  }
  return normalize(o);
}

/** Fills derived defaults and checks the bounds. */
export function normalize(o: BenchOptions): BenchOptions {
  const managers = o.managers > 0 ? Math.min(o.managers, o.subscriptions) : o.subscriptions;
  const out = { ...o, managers, teams: Math.max(1, Math.min(o.teams, managers)), clientProcesses: Math.max(1, Math.floor(o.clientProcesses)) };
  if (out.subscriptions < 1 || out.subscriptions > 50_000) throw new Error("subscriptions must be between 1 and 50,000");
  if (out.rate <= 0 || out.rate > 1000) throw new Error("rate must be in (0, 1000] events per second");
  if (out.durationSeconds <= 0 || out.durationSeconds > 3600) throw new Error("duration must be in (0, 3600] seconds");
  if (out.conversationsPerTeam < 2) throw new Error("need at least 2 conversations per team");
  if (out.agentsPerTeam < 1) throw new Error("need at least 1 agent per team");
  return out;
}
