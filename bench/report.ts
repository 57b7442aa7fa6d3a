/** The machine a run happened on, and the Markdown table of its figures. */
import { execFileSync } from "node:child_process";
import { cpus, freemem, release, totalmem } from "node:os";
import type { BenchResults } from "./run";

/** One figure of the run: always a ratio of two measurements taken side by side. */
export interface ScenarioResult {
  id: string;
  title: string;
  measure: string;
  /** null: reported, not judged. */
  goal: string | null;
  ratio: number | null;
  met: boolean | null;
  /** One line with the raw numbers behind the ratio. */
  summary: string;
  detail: Record<string, unknown>;
}

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memoryTotalGiB: number;
  memoryFreeGiB: number;
  /** `free -h` as printed, when the command exists. */
  free: string | null;
  node: string;
  os: string;
}

const gib = (bytes: number): number => Math.round((bytes / 1024 ** 3) * 10) / 10;

export function machineInfo(): MachineInfo {
  let free: string | null = null;
  try {
    free = execFileSync("free", ["-h"], { encoding: "utf8", timeout: 5000 }).trim();
  } catch {
    free = null;
  }
  return {
    nproc: cpus().length, cpu: cpus()[0]?.model ?? "unknown", memoryTotalGiB: gib(totalmem()), memoryFreeGiB: gib(freemem()),
    free, node: process.version, os: `${process.platform} ${release()}`,
  };
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** The results as a Markdown table plus the context needed to read it. */
export function renderMarkdown(r: BenchResults): string {
  const lines = [
    `### Bench run ${r.date}`,
    "",
    `Machine: ${r.machine.nproc} CPUs (${r.machine.cpu}), ${r.machine.memoryTotalGiB} GiB RAM, Node ${r.machine.node}, ${r.machine.os}. ` +
      `Database: ${r.options.database.startsWith("/") ? "SQLite (better-sqlite3)" : "MySQL/MariaDB"}. ` +
      `Load: ${r.options.connections} connections, ${r.options.duration} s per variant in ${r.options.rounds} alternating rounds after ${r.options.warmup} s of warm-up.`,
    "",
    "| scenario | measure | goal | result | | raw numbers (same run) |",
    "|---|---|---|---|---|---|",
    ...r.scenarios.map((s) => `| ${cell(s.title)} | ${cell(s.measure)} | ${s.goal ?? "report"} | **${s.ratio === null ? "n/a" : s.ratio.toFixed(2)}** | ${s.met === null ? "" : s.met ? "✓" : "✗"} | ${cell(s.summary)} |`),
    "",
    "Datasets: " + r.datasets.map((d) => `${d.conversations.toLocaleString("en")} conversations (${Object.values(d.rows).reduce((a, b) => a + b, 0).toLocaleString("en")} rows, ${d.status}${d.status === "generated" ? ` in ${d.seconds.toFixed(0)} s` : ""})`).join("; ") + ".",
    "",
  ];
  return lines.join("\n");
}
