import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db";

/** How an operation reached the gateway. */
export type Transport = "http" | "ws";

/**
 * Label values that come from clients (operation names) or from error lists (outcomes) are
 * bounded: each label keeps at most `limit` distinct values per gateway and folds the rest into
 * `other`, so a client inventing operation names cannot grow /metrics without bound.
 */
export class LabelBudget {
  private readonly seen = new Set<string>();
  constructor(private readonly limit: number) {}
  admit(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return "other";
    this.seen.add(value);
    return value;
  }
}

/** The label of a finished operation, as the metrics record it. */
export interface OperationLabels {
  transport: Transport;
  /** `query`, `mutation`, `subscription`, or `unknown` when the request never resolved to one. */
  operationType: string;
  /** The resolved operation's name, `anonymous`, or `unresolved`. */
  operation: string;
  /** `ok`, or the sorted distinct error codes joined by commas. */
  outcome: string;
}

/** What a mysql2 pool lets us read: private fields, read defensively (absent on other drivers). */
interface Mysql2PoolInternals {
  config?: { connectionLimit?: number };
  _allConnections?: { length?: number };
  _freeConnections?: { length?: number };
  _connectionQueue?: { length?: number };
}

const len = (q: { length?: number } | undefined): number => (typeof q?.length === "number" ? q.length : 0);

/** Pool readings: SQLite is one connection; MySQL/MariaDB reads TypeORM's mysql2 pool. */
export function readPool(db: Database): { driver: string; max: number; open: number; idle: number | null; inUse: number | null; waiting: number } {
  const driver = String(db.dataSource.options.type);
  // better-sqlite3 is one synchronous connection: no idle/in-use split to read.
  if (db.isSqlite) return { driver, max: 1, open: db.dataSource.isInitialized ? 1 : 0, idle: null, inUse: null, waiting: 0 };
  const pool = (db.dataSource.driver as unknown as { pool?: Mysql2PoolInternals }).pool;
  const open = len(pool?._allConnections);
  const idle = len(pool?._freeConnections);
  return { driver, max: pool?.config?.connectionLimit ?? 0, open, idle, inUse: Math.max(0, open - idle), waiting: len(pool?._connectionQueue) };
}

export interface GatewayMetrics {
  registry: Registry;
  /** Counts one finished operation and observes its latency. */
  operationFinished(labels: OperationLabels, seconds: number): void;
  /** One more denial by a graphql-shield rule. */
  denied(rule: string): void;
  subscriptionStarted(): void;
  subscriptionEnded(): void;
  webSocketOpened(): void;
  webSocketClosed(): void;
  /** Bounds client-controlled label values. */
  operationLabel(name: string): string;
  outcomeLabel(outcome: string): string;
}

/**
 * One Prometheus registry per gateway (tests run several gateways in one process, so never the
 * global default registry): request counters and latency by operation, authorization denials by
 * rule, live subscriptions and sockets, database pool use, and the default process metrics.
 */
export function createMetrics(db: Database): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "switchboard_graphql_requests_total",
    help: "GraphQL operations finished, by transport, operation type, operation name and outcome (ok or the error codes). Subscriptions are counted when their stream is set up.",
    labelNames: ["transport", "operation_type", "operation", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "switchboard_graphql_request_duration_seconds",
    help: "Time to answer a GraphQL operation (for subscriptions: to set up the stream), by transport, operation type and name.",
    labelNames: ["transport", "operation_type", "operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const denials = new Counter({
    name: "switchboard_authorization_denials_total",
    help: "graphql-shield rule evaluations that denied access, by rule name (principal-only rules are evaluated once per operation, per-object rules once per object).",
    labelNames: ["rule"] as const,
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: "switchboard_graphql_active_subscriptions",
    help: "GraphQL subscriptions currently streaming over WebSocket on this instance.",
    registers: [registry],
  });
  const sockets = new Gauge({
    name: "switchboard_websocket_connections",
    help: "Authenticated graphql-ws connections currently open on this instance.",
    registers: [registry],
  });
  new Gauge({
    name: "switchboard_db_pool_connections",
    help: "Database connections by state (open = idle + in_use); SQLite reports only open, a single connection.",
    labelNames: ["driver", "state"] as const,
    registers: [registry],
    collect() {
      const p = readPool(db);
      this.set({ driver: p.driver, state: "open" }, p.open);
      if (p.idle !== null) this.set({ driver: p.driver, state: "idle" }, p.idle);
      if (p.inUse !== null) this.set({ driver: p.driver, state: "in_use" }, p.inUse);
    },
  });
  new Gauge({
    name: "switchboard_db_pool_max_connections",
    help: "The pool's connection limit (1 for SQLite).",
    labelNames: ["driver"] as const,
    registers: [registry],
    collect() {
      const p = readPool(db);
      this.set({ driver: p.driver }, p.max);
    },
  });
  new Gauge({
    name: "switchboard_db_pool_waiting_requests",
    help: "Requests waiting for a free pooled connection (always 0 for SQLite, whose transactions queue inside the gateway).",
    labelNames: ["driver"] as const,
    registers: [registry],
    collect() {
      const p = readPool(db);
      this.set({ driver: p.driver }, p.waiting);
    },
  });

  const operations = new LabelBudget(200);
  const outcomes = new LabelBudget(50);
  return {
    registry,
    operationFinished: (l, seconds) => {
      requests.inc({ transport: l.transport, operation_type: l.operationType, operation: l.operation, outcome: l.outcome });
      duration.observe({ transport: l.transport, operation_type: l.operationType, operation: l.operation }, seconds);
    },
    denied: (rule) => denials.inc({ rule }),
    subscriptionStarted: () => subscriptions.inc(),
    subscriptionEnded: () => subscriptions.dec(),
    webSocketOpened: () => sockets.inc(),
    webSocketClosed: () => sockets.dec(),
    operationLabel: (name) => operations.admit(name),
    outcomeLabel: (outcome) => outcomes.admit(outcome),
  };
}
