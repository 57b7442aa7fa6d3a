import type { GraphQLFormattedError } from "graphql";
import type { Principal } from "../auth/principal";
import type { Logger } from "../logger";
import type { GatewayMetrics, Transport } from "./metrics";

/** One GraphQL operation as the request log and the metrics see it. */
export interface OperationRecord {
  transport: Transport;
  requestId: string | null;
  principal: Principal | null;
  /** The resolved operation's name, or the (sanitized) name the client sent. */
  operationName: string | null;
  /** `query`, `mutation` or `subscription`, once the operation resolved. */
  operationType: string | null;
  /** Whether the document parsed, validated and named one operation. */
  resolved: boolean;
  /** Error codes the client received (duplicates are ignored). */
  codes: Set<string>;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  httpStatus?: number;
  /** Subscriptions: results sent over the stream. */
  events?: number;
}

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** An error's code as the client sees it; anything without a well-formed code is internal. */
export const codeOf = (e: Pick<GraphQLFormattedError, "extensions"> | { extensions?: Record<string, unknown> }): string => {
  const code = e.extensions?.code;
  return typeof code === "string" && CODE.test(code) ? code : "INTERNAL_SERVER_ERROR";
};

/** A client-supplied operation name is logged only when it is a plausible GraphQL name. */
export const sanitizeName = (name: unknown): string | null => (typeof name === "string" && NAME.test(name) ? name : null);

const LEADING_NAME = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})\b/;

/**
 * The name a request gives its operation, for the log of requests refused before the operation
 * resolved: the client's `operationName`, else the name leading the document (a cheap look at
 * its first 2 KB, never a parse).
 */
export const claimedName = (operationName: unknown, query: unknown): string | null =>
  sanitizeName(operationName) ?? (typeof query === "string" ? LEADING_NAME.exec(query.slice(0, 2048))?.[1] ?? null : null);

/** `ok`, or the sorted distinct codes joined by commas. */
export const outcomeOf = (codes: Set<string>): string => (codes.size === 0 ? "ok" : [...codes].sort().join(","));

/** Who ran the operation: kind and id only (plus the organization), never credentials. */
const principalFields = (p: Principal | null) =>
  p === null ? null : p.kind === "SYSTEM" ? { kind: p.kind, organizationId: p.organizationId } : { kind: p.kind, id: p.id, organizationId: p.organizationId };

export interface Telemetry {
  metrics: GatewayMetrics;
  /**
   * Logs one line for a finished operation and, unless `count` is false (a subscription
   * already counted when its stream was set up), counts it and observes its latency.
   */
  finish(op: OperationRecord, options?: { count?: boolean }): void;
  /** Counts a subscription whose stream was just set up (its log line comes when it ends). */
  subscriptionSetUp(op: OperationRecord): void;
}

/**
 * The single place where an operation becomes a log line and metric samples, for HTTP and
 * WebSocket alike. The line carries only what is listed here: never variables, query text,
 * results, headers or connection parameters, so no token, secret or phone number can reach it.
 */
export function createTelemetry(logger: Logger, metrics: GatewayMetrics): Telemetry {
  const labels = (op: OperationRecord) => ({
    transport: op.transport,
    operationType: op.operationType ?? "unknown",
    operation: metrics.operationLabel(op.resolved ? op.operationName ?? "anonymous" : "unresolved"),
    outcome: metrics.outcomeLabel(outcomeOf(op.codes)),
  });
  return {
    metrics,
    finish(op, options = {}) {
      const seconds = (performance.now() - op.startedAt) / 1000;
      if (options.count !== false) metrics.operationFinished(labels(op), seconds);
      const errorCodes = [...op.codes].sort();
      const serious = op.codes.has("INTERNAL_SERVER_ERROR") || op.codes.has("SERVICE_UNAVAILABLE");
      logger[serious ? "warn" : "info"]({
        requestId: op.requestId,
        transport: op.transport,
        principal: principalFields(op.principal),
        operationName: op.operationName,
        operationType: op.operationType,
        outcome: outcomeOf(op.codes),
        errorCodes,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(op.httpStatus !== undefined ? { httpStatus: op.httpStatus } : {}),
        ...(op.events !== undefined ? { events: op.events } : {}),
      }, "graphql operation");
    },
    subscriptionSetUp(op) {
      metrics.operationFinished(labels(op), (performance.now() - op.startedAt) / 1000);
    },
  };
}
