/**
 * Where the time went in a `--cpu-prof` profile of a gateway (from `npm run bench -- --profile`):
 * self time by function and by package, so two profiles (authorization on and off) compare at a
 * glance. `ts-node --transpile-only bench/profileSummary.ts <file.cpuprofile> [top]`
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** The package a script belongs to (`graphql-shield`, `typeorm`, …), `app` for ours, or the runtime. */
function packageOf(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes("/src/") || url.includes("/bench/")) return "app";
  return url ? "node" : "(runtime)";
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of selfMicros) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/work\/[^/]+\//, "")}:${lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    pkg.set(packageOf(url), (pkg.get(packageOf(url)) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(total, 1)).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${pct(us)}  ${k}`);
  return [`total sampled: ${(total / 1e6).toFixed(2)} s`, "", "by package (self time):", ...rows(pkg, 15), "", "by function (self time):", ...rows(fn, top)].join("\n");
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: ts-node --transpile-only bench/profileSummary.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  console.log(summarize(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(top ?? 25)));
}
