import { performance } from "node:perf_hooks";
import WebSocket from "ws";

/**
 * A process holding a share of the benchmark's subscriptions: raw `ws` sockets speaking
 * `graphql-transport-ws` (connection_init with the bearer token, one `subscribe` each), so the
 * client side costs as little CPU as possible on the machine the gateway is measured on. It
 * records, per event (conversation, type, commit time `at`), how many subscriptions received it
 * and the latency of each delivery: receive time minus `at`, on the same machine clock.
 */

export interface ClientSub { token: string; teamId: string }

export type ToClients =
  | { type: "start"; url: string; query: string; subs: ClientSub[]; concurrency: number; connectTimeoutMs: number }
  | { type: "progress" }
  | { type: "collect" }
  | { type: "close" };

export interface ClientProgress {
  type: "progress";
  open: number;
  /** Subscriptions that have received at least one event. */
  withEvent: number;
  nexts: number;
  errors: number;
  closed: number;
}

export interface ClientResults {
  type: "results";
  /** `conversationId|type|at` → receive latencies (ms) of every delivery of that event. */
  events: Record<string, number[]>;
  /** GraphQL errors in results, `error` and `complete` messages, unparseable messages. */
  errors: number;
  completes: number;
  malformed: number;
  sampleErrors: string[];
  /** Sockets closed by the server after they were connected, by close code. */
  closedCodes: Record<string, number>;
  /** Peak RSS of this client process, for the record. */
  rss: number;
}

export type FromClients =
  | { type: "connected"; ok: number; failed: number; okByTeam: Record<string, number>; sampleErrors: string[]; ms: number }
  | ClientProgress
  | ClientResults;

const now = (): number => performance.timeOrigin + performance.now();
const send = (msg: FromClients) => process.send?.(msg);

interface Conn { ws: WebSocket; received: number; connected: boolean }

const conns: Conn[] = [];
const events = new Map<string, number[]>();
const closedCodes: Record<string, number> = {};
const sampleErrors: string[] = [];
let nexts = 0, errors = 0, completes = 0, malformed = 0, closed = 0, peakRss = 0;
let closing = false;

const noteError = (text: string) => { errors++; if (sampleErrors.length < 10) sampleErrors.push(text.slice(0, 300)); };

function onMessage(conn: Conn, raw: WebSocket.RawData): void {
  const t = now();
  let msg: { type?: string; payload?: { data?: { queueChanged?: { conversationId: string; type: string; at: string } }; errors?: unknown[] } | unknown[] };
  try {
    msg = JSON.parse(raw.toString());
  } catch {
    malformed++;
    return;
  }
  if (msg.type === "next") {
    const payload = msg.payload as { data?: { queueChanged?: { conversationId: string; type: string; at: string } }; errors?: unknown[] };
    if (payload?.errors?.length) noteError(JSON.stringify(payload.errors));
    const e = payload?.data?.queueChanged;
    if (!e || typeof e.at !== "string" || typeof e.conversationId !== "string") { malformed++; return; }
    nexts++;
    conn.received++;
    const key = `${e.conversationId}|${e.type}|${e.at}`;
    let list = events.get(key);
    if (!list) events.set(key, (list = []));
    list.push(t - Date.parse(e.at));
  } else if (msg.type === "error") {
    noteError(JSON.stringify(msg.payload));
  } else if (msg.type === "complete") {
    completes++;
  } else if (msg.type === "ping") {
    conn.ws.send(JSON.stringify({ type: "pong" }));
  }
}

/** Opens one socket, waits for `connection_ack`, subscribes. */
function connect(url: string, query: string, sub: ClientSub, timeoutMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, "graphql-transport-ws", { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const conn: Conn = { ws, received: 0, connected: false };
    const timer = setTimeout(() => { ws.terminate(); reject(new Error("connect timeout")); }, timeoutMs);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${sub.token}` } })));
    ws.on("message", (raw) => {
      if (conn.connected) return onMessage(conn, raw);
      let msg: { type?: string };
      try { msg = JSON.parse(raw.toString()); } catch { msg = {}; }
      if (msg.type !== "connection_ack") return;
      conn.connected = true;
      clearTimeout(timer);
      ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables: { teamId: sub.teamId } } }));
      resolve(conn);
    });
    ws.on("error", (err) => { if (!conn.connected) { clearTimeout(timer); reject(err); } });
    ws.on("close", (code) => {
      if (!conn.connected) { clearTimeout(timer); reject(new Error(`closed ${code} before ack`)); return; }
      if (!closing) { closed++; closedCodes[code] = (closedCodes[code] ?? 0) + 1; }
    });
  });
}

async function start(msg: Extract<ToClients, { type: "start" }>): Promise<void> {
  const began = Date.now();
  let next = 0, ok = 0, failed = 0;
  const errs: string[] = [];
  const okByTeam: Record<string, number> = {};
  const worker = async () => {
    while (next < msg.subs.length && !closing) {
      const sub = msg.subs[next++];
      try {
        conns.push(await connect(msg.url, msg.query, sub, msg.connectTimeoutMs));
        ok++;
        okByTeam[sub.teamId] = (okByTeam[sub.teamId] ?? 0) + 1;
      } catch (err) {
        failed++;
        if (errs.length < 5) errs.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, msg.concurrency) }, worker));
  send({ type: "connected", ok, failed, okByTeam, sampleErrors: errs, ms: Date.now() - began });
}

function progress(): ClientProgress {
  let withEvent = 0, open = 0;
  for (const c of conns) {
    if (c.received > 0) withEvent++;
    if (c.ws.readyState === WebSocket.OPEN) open++;
  }
  return { type: "progress", open, withEvent, nexts, errors, closed };
}

const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 1000);

function shutdown(): void {
  closing = true;
  clearInterval(rssTimer);
  for (const c of conns) c.ws.terminate();
  setTimeout(() => process.exit(0), 50).unref();
}

process.on("message", (msg: ToClients) => {
  if (msg.type === "start") void start(msg);
  else if (msg.type === "progress") send(progress());
  else if (msg.type === "collect") {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    send({ type: "results", events: Object.fromEntries(events), errors, completes, malformed, sampleErrors, closedCodes, rss: peakRss });
  } else if (msg.type === "close") shutdown();
});
process.on("disconnect", shutdown);
