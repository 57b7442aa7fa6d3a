/**
 * `npm run bench` end to end at a tiny scale, against the configured database, so the harness
 * does not rot while nobody runs it. It checks that every scenario ran and reported a
 * well-formed figure; it asserts no timing (that would be a flaky test, not a benchmark).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasetLocation, dropDataset, ensureDataset, plannedRows } from "../bench/dataset";
import { parseBenchArgs, BenchOptions } from "../bench/options";
import { runBench } from "../bench/run";
import { parseDatabaseUrl } from "../src/config";

const SMALL = 120;
const MAIN = 200;

describe("the bench harness at a tiny scale", () => {
  const out = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  const configured = process.env.DATABASE_URL ? parseDatabaseUrl(process.env.DATABASE_URL) : null;
  // Datasets beside the configured database, named for this run, dropped afterwards.
  const database = configured?.kind === "mysql"
    ? (() => { const u = new URL(configured.url); u.pathname = `${u.pathname}_h${process.pid}`; return { kind: "mysql" as const, url: u.toString() }; })()
    : { kind: "sqlite" as const, path: join(out, "bench.sqlite") };

  afterAll(async () => {
    for (const n of [SMALL, MAIN]) await dropDataset(datasetLocation(database, n));
    rmSync(out, { recursive: true, force: true });
  });

  it("parses its flags, with defaults for the short run", () => {
    const defaults = parseBenchArgs([], {}) as BenchOptions;
    expect(defaults).toMatchObject({ conversations: 100_000, scaleSmall: 10_000, scaleLarge: 100_000, connections: 10 });
    expect(defaults.database).toMatchObject({ kind: "sqlite" });
    expect((defaults.database as { path: string }).path).toMatch(/data\/bench\.sqlite$/);
    expect(parseBenchArgs(["--conversations", "1000000", "--only", "scale"], {})).toMatchObject({ conversations: 1_000_000, scaleLarge: 1_000_000, groups: ["scale"] });
    expect(() => parseBenchArgs(["--only", "nonsense"], {})).toThrow(/unknown scenario group/);
    expect(parseBenchArgs(["--help"], {})).toBe("help");
  });

  it("never points a dataset at the configured database itself", () => {
    expect(datasetLocation({ kind: "sqlite", path: "/x/data/switchboard.sqlite" }, 500)).toEqual({ kind: "sqlite", path: "/x/data/switchboard-500.sqlite" });
    expect(datasetLocation({ kind: "mysql", url: "mysql://root@127.0.0.1:3306/switchboard" }, 500))
      .toEqual({ kind: "mysql", url: "mysql://root@127.0.0.1:3306/switchboard_bench_500" });
  });

  it("generates, measures every scenario, and writes well-formed results", async () => {
    const options: BenchOptions = {
      conversations: MAIN, scaleSmall: SMALL, scaleLarge: MAIN, duration: 0.5, warmup: 0.2, rounds: 1, connections: 2, maxRequests: 2000,
      latencySamples: 8, batchSize: 50, database, groups: ["statements", "authorization", "scale", "audit", "ceiling"], out, profile: false, quiet: true,
    };
    const { results, jsonPath, markdownPath } = await runBench(options);

    expect(results.datasets.map((d) => [d.conversations, d.status])).toEqual([[SMALL, "generated"], [MAIN, "generated"]]);
    expect(results.datasets[1].rows).toEqual(plannedRows(MAIN));
    const ids = results.scenarios.map((s) => s.id);
    expect(ids).toEqual([
      "statements-agent", "statements-manager",
      "page50-agent", "page50-manager", "page1000-agent", "page1000-manager",
      "scale-agent", "scale-manager", "scale-manager-deep",
      "assign-audit", "ceiling",
    ]);
    for (const s of results.scenarios) {
      expect(typeof s.ratio).toBe("number");
      expect(Number.isFinite(s.ratio)).toBe(true);
      expect(s.ratio!).toBeGreaterThan(0);
      expect(s.goal === null ? s.met === null : typeof s.met === "boolean").toBe(true);
      expect(s.summary.length).toBeGreaterThan(0);
    }
    // The statement counts are counts, taken at three sizes.
    const statements = results.scenarios.find((s) => s.id === "statements-manager")!.detail as { counts: { rows: number; statements: number }[] };
    expect(statements.counts).toHaveLength(3);
    expect(statements.counts.every((c) => Number.isInteger(c.statements) && c.statements > 0)).toBe(true);
    // Every request answered: no HTTP failures, and every assignment committed (with its audit chain intact).
    for (const s of results.scenarios.filter((x) => /^(page|assign|ceiling)/.test(x.id))) {
      const variants = Object.values(s.detail).filter((v): v is { requests: number; non2xx: number; errors: number; badBodies: number } =>
        typeof v === "object" && v !== null && "requests" in v);
      expect(variants).toHaveLength(2);
      for (const v of variants) expect([s.id, v.requests > 0, v.non2xx, v.errors, v.badBodies]).toEqual([s.id, true, 0, 0, 0]);
    }
    expect((results.scenarios.find((s) => s.id === "assign-audit")!.detail as { auditChain: { ok: boolean } }).auditChain.ok).toBe(true);

    expect(JSON.parse(readFileSync(jsonPath, "utf8"))).toEqual(JSON.parse(JSON.stringify(results)));
    const markdown = readFileSync(markdownPath, "utf8");
    expect(markdown).toContain("| scenario | measure | goal | result |");
    expect(markdown.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| scenario"))).toHaveLength(ids.length);
    expect(results.machine.nproc).toBeGreaterThan(0);
  }, 180_000);

  it("reuses a dataset that already has the requested size", async () => {
    const info = await ensureDataset(datasetLocation(database, MAIN), MAIN);
    expect(info.status).toBe("reused");
    expect(existsSync(out)).toBe(true);
  });
});
