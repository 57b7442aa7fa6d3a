import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultOptions } from "../bench/subscriptions/options";
import { BenchReport, formatReport, percentiles, runSubscriptionBench } from "../bench/subscriptions/run";

// `npm run bench:subscriptions` end to end at a tiny scale, so the harness does not rot. No
// timing assertions: this checks that it runs and reports, not how fast.

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the live queue benchmark", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-subscriptions-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("runs end to end and writes a well-formed report", async () => {
    const reportPath = join(dir, "report.json");
    const report = await runSubscriptionBench({
      ...defaultOptions(),
      subscriptions: 50, managers: 0, teams: 5, agentsPerTeam: 2, conversationsPerTeam: 6,
      rate: 5, durationSeconds: 2, clientProcesses: 1, connectConcurrency: 8, drainSeconds: 3,
      databaseUrl: null, sqlitePath: join(dir, "bench.sqlite"), redisUrl: null, reportPath, verbose: false,
    });

    expect(report.kind).toBe("subscriptions");
    expect(report.config).toMatchObject({ subscriptions: 50, distinctManagers: 50, teams: 5, ratePerSecond: 5, gatewayRuntime: "compiled" });
    expect(report.connect).toMatchObject({ requested: 50, connected: 50, failed: 0 });
    expect(report.events.committed).toBeGreaterThan(0);
    expect(report.deliveries.delivered).toBeGreaterThan(0);
    expect(report.deliveries.expected).toBeGreaterThanOrEqual(report.deliveries.delivered);
    expect(report.deliveries.errors).toBe(0);
    const l = report.latencyMs;
    expect(l.samples).toBe(report.deliveries.delivered + report.deliveries.duplicates);
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    expect(report.gateway.rssMb.hwm).toBeGreaterThan(0);
    // Ten managers per team watch the same operation: one execution per event and team, the rest shared.
    expect(report.gateway.renders?.shared).toBeGreaterThan(0);
    expect(report.gateway.eventLoopDelayMs?.max).toBeGreaterThanOrEqual(0);
    expect(typeof report.met.all).toBe("boolean");

    // The file holds the same report, and the summary prints from it.
    const written = JSON.parse(readFileSync(reportPath, "utf8")) as BenchReport;
    expect(written).toEqual(report);
    expect(formatReport(written)).toMatch(/deliveries\s+\d+\/\d+ delivered, \d+ lost/);

    // Every child was ended.
    expect(alive(report.gateway.pid)).toBe(false);
    expect(existsSync(join(dir, "bench.sqlite"))).toBe(true);
  }, 180_000);

  test("percentiles", () => {
    expect(percentiles([])).toMatchObject({ samples: 0, p99: 0 });
    const p = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(p).toMatchObject({ p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5, samples: 100 });
  });
});
