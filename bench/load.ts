/**
 * Load over loopback, bounded in requests and in time: autocannon for throughput, and a
 * sequential sampler with a high-resolution clock for latency percentiles (autocannon's
 * histogram rounds to whole milliseconds, too coarse for a ratio of fast pages).
 */
import { request } from "node:http";
import autocannon from "autocannon";

/** One GraphQL request as the load generators send it. */
export interface GraphQLCall {
  port: number;
  authorization: string | null;
  /** A fixed body, or a function giving each request its own (for mutations). */
  body: string | (() => string);
  /** CPU microseconds the server process has used so far, when the harness can ask it. */
  cpuMicros?: () => Promise<number>;
}

export interface LoadOptions {
  /**
   * Seconds of load; or, with `amount`, only the bound after which the run is cut short. Runs
   * bounded by `amount` end when every response is in, so no orphaned request keeps the server
   * busy into the next measurement (a duration-bounded run leaves up to `connections` behind).
   */
  duration: number;
  amount?: number;
  connections: number;
  /** Hard cap on requests, whatever the duration. */
  maxRequests: number;
}

export interface Throughput {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses whose body carried a GraphQL error not in `allowedErrorCodes` (checked when given). */
  badBodies: number;
  /** CPU seconds the server spent during the run, and requests per CPU-second (when measurable). */
  serverCpuSeconds: number | null;
  requestsPerCpuSecond: number | null;
}

const headersFor = (call: GraphQLCall): Record<string, string> => ({
  "content-type": "application/json",
  ...(call.authorization ? { authorization: call.authorization } : {}),
});

/** Whether a response body is a GraphQL answer without unexpected errors. */
export function bodyIsClean(body: string, allowedErrorCodes: readonly string[]): boolean {
  if (!body.includes("\"errors\"")) return body.startsWith("{\"data\"");
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
    return (parsed.errors ?? []).every((e) => allowedErrorCodes.includes(String(e.extensions?.code)));
  } catch {
    return false;
  }
}

/**
 * Runs autocannon against 127.0.0.1 for `duration` seconds or `maxRequests`, whichever comes
 * first, and stops it outright if it overruns. `checkBodies` inspects every body (costs the
 * load generator some CPU, so only for mutations, whose failures would not show as non-2xx).
 */
export async function throughput(call: GraphQLCall, options: LoadOptions, checkBodies?: readonly string[]): Promise<Throughput> {
  let badBodies = 0;
  const cpuBefore = call.cpuMicros ? await call.cpuMicros() : null;
  const dynamic = typeof call.body === "function" ? call.body : null;
  const instance = autocannon({
    url: `http://127.0.0.1:${call.port}/graphql`,
    method: "POST",
    headers: headersFor(call),
    body: dynamic ? undefined : (call.body as string),
    connections: options.connections,
    ...(options.amount ? { amount: Math.min(options.amount, options.maxRequests) } : { duration: options.duration, maxOverallRequests: options.maxRequests }),
    timeout: 30,
    requests: dynamic || checkBodies ? [{
      ...(dynamic ? { setupRequest: (req: Record<string, unknown>) => ({ ...req, body: dynamic() }) } : {}),
      ...(checkBodies ? { onResponse: (_status: number, body: string) => { if (!bodyIsClean(body, checkBodies)) badBodies++; } } : {}),
    }] : undefined,
  } as autocannon.Options);
  const guard = setTimeout(() => (instance as unknown as { stop(): void }).stop(), (options.amount ? options.duration * 3 + 30 : options.duration + 60) * 1000);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    (instance as unknown as NodeJS.EventEmitter).once("done", resolve);
    (instance as unknown as NodeJS.EventEmitter).once("error", reject);
  });
  clearTimeout(guard);
  const serverCpuSeconds = cpuBefore !== null && call.cpuMicros ? ((await call.cpuMicros()) - cpuBefore) / 1e6 : null;
  const seconds = result.duration;
  const requests = result.requests.total;
  return {
    requests, seconds, requestsPerSecond: requests / Math.max(seconds, 0.001),
    serverCpuSeconds, requestsPerCpuSecond: serverCpuSeconds ? requests / serverCpuSeconds : null,
    latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, badBodies,
  };
}

/** Sends one request and resolves to the status, the body and the milliseconds it took. */
export function send(call: GraphQLCall): Promise<{ status: number; body: string; ms: number }> {
  const body = typeof call.body === "function" ? call.body() : call.body;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: "127.0.0.1", port: call.port, path: "/graphql", method: "POST", headers: headersFor(call), timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

export interface LatencySample {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** One request at a time (no queueing in the numbers), `warmup` unrecorded, then up to `samples` or `seconds`. */
export async function latency(call: GraphQLCall, samples: number, seconds: number, warmup: number): Promise<LatencySample> {
  for (let i = 0; i < warmup; i++) await send(call);
  const times: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (times.length < samples && Date.now() < deadline) {
    const r = await send(call);
    if (r.status !== 200) throw new Error(`latency sample got HTTP ${r.status}: ${r.body.slice(0, 300)}`);
    times.push(r.ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { samples: times.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99),
    meanMs: times.reduce((s, t) => s + t, 0) / Math.max(times.length, 1) };
}
