/** `npm run bench -- --flag value …`: every knob of the harness, with defaults for the short run. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DatabaseConfig, parseDatabaseUrl } from "../src/config";

/** The scenario groups, in the order they run. */
export const SCENARIO_GROUPS = ["statements", "authorization", "scale", "audit", "ceiling"] as const;
export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number];

export interface BenchOptions {
  /** Conversations in the main dataset (authorization, statements, audit, ceiling). */
  conversations: number;
  /** The two dataset sizes whose page latency is compared. */
  scaleSmall: number;
  scaleLarge: number;
  /** Seconds of measured load per variant of a throughput pair (split over `rounds`). */
  duration: number;
  /** Seconds of unmeasured load before each pair. */
  warmup: number;
  rounds: number;
  connections: number;
  /** Hard cap on the requests of one load run. */
  maxRequests: number;
  /** Sequential requests per latency measurement (bounded by `duration` seconds too). */
  latencySamples: number;
  /** Conversations per generated batch (one transaction). */
  batchSize: number;
  /** Where datasets go: a file `<stem>-<n>.sqlite` beside this one, or a database `<name>_bench_<n>` on this server. */
  database: DatabaseConfig;
  groups: ScenarioGroup[];
  /** Directory for `<date>.json` and `<date>.md`. */
  out: string;
  /** Start the gateways under `--cpu-prof` (profiles under `<out>/profiles/<date>/`). */
  profile: boolean;
  /** No progress bar or per-scenario lines (the harness test). */
  quiet: boolean;
}

export const HELP = `npm run bench -- [options]

  --conversations N     main dataset size (default 100000; up to 1000000 and beyond)
  --scale-small N       smaller dataset of the latency comparison (default 10000)
  --scale-large N       larger dataset of the latency comparison (default: --conversations;
                        1000000 for the issue's 10k-vs-1M figure)
  --duration S          measured seconds per variant of each throughput pair (default 8)
  --warmup S            unmeasured seconds before each pair (default 2)
  --rounds R            alternate the two variants of a pair R times (default 4)
  --connections C       concurrent connections (default 10)
  --max-requests N      cap on requests of one load run (default 200000)
  --latency-samples N   sequential requests per latency measurement (default 300)
  --batch N             conversations per generated batch/transaction (default 2000)
  --database URL        where datasets live (default: BENCH_DATABASE_URL, else DATABASE_URL when it
                        is MySQL/MariaDB, else sqlite:./data/bench.sqlite); a dataset of N
                        conversations goes to <stem>-N.sqlite or database <name>_bench_N
  --only a,b            scenario groups: ${SCENARIO_GROUPS.join(", ")}
  --out DIR             results directory (default bench/results)
  --profile             run the gateways under node --cpu-prof
  --quiet               no progress bar
`;

/** The default location: never the user's own database file. */
export function defaultBenchDatabase(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  if (env.BENCH_DATABASE_URL) return parseDatabaseUrl(env.BENCH_DATABASE_URL);
  const configured = env.DATABASE_URL ? parseDatabaseUrl(env.DATABASE_URL) : null;
  if (configured?.kind === "mysql") return configured;
  return { kind: "sqlite", path: resolve(process.cwd(), "data", "bench.sqlite") };
}

const count = (name: string, value: string | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${value}`);
  return n;
};

/** Parses argv (without node and the script); throws with the problem on a bad flag. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      conversations: { type: "string" }, "scale-small": { type: "string" }, "scale-large": { type: "string" },
      duration: { type: "string" }, warmup: { type: "string" }, rounds: { type: "string" }, connections: { type: "string" },
      "max-requests": { type: "string" }, "latency-samples": { type: "string" }, batch: { type: "string" },
      database: { type: "string" }, only: { type: "string" }, out: { type: "string" },
      profile: { type: "boolean" }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const conversations = Math.floor(count("conversations", values.conversations, 100_000));
  const groups = values.only ? values.only.split(",").map((g) => g.trim()) : [...SCENARIO_GROUPS];
  const unknown = groups.filter((g) => !(SCENARIO_GROUPS as readonly string[]).includes(g));
  if (unknown.length) throw new Error(`--only: unknown scenario group ${unknown.join(", ")} (known: ${SCENARIO_GROUPS.join(", ")})`);
  return {
    conversations,
    scaleSmall: Math.floor(count("scale-small", values["scale-small"], Math.min(10_000, conversations))),
    scaleLarge: Math.floor(count("scale-large", values["scale-large"], conversations)),
    duration: count("duration", values.duration, 8, 0.5),
    warmup: count("warmup", values.warmup, 2, 0),
    rounds: Math.floor(count("rounds", values.rounds, 4)),
    connections: Math.floor(count("connections", values.connections, 10)),
    maxRequests: Math.floor(count("max-requests", values["max-requests"], 200_000)),
    latencySamples: Math.floor(count("latency-samples", values["latency-samples"], 300)),
    batchSize: Math.floor(count("batch", values.batch, 2000)),
    database: values.database ? parseDatabaseUrl(values.database) : defaultBenchDatabase(env),
    groups: SCENARIO_GROUPS.filter((g) => groups.includes(g)),
    out: resolve(process.cwd(), values.out ?? "bench/results"),
    profile: values.profile ?? false,
    quiet: values.quiet ?? false,
  };
}
