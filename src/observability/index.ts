import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import type { ConnectionInitMessage, ServerOptions } from "graphql-ws";
import type { Principal } from "../auth/principal";
import type { Context, Services } from "../context";
import type { Logger } from "../logger";
import { onDenied } from "../permissions/rules";
import type { ObservabilityConfig } from "./config";
import { createMetrics, GatewayMetrics } from "./metrics";
import { metricsHandler } from "./metricsEndpoint";
import { createHttpRequestLog } from "./requestLogPlugin";
import { createTelemetry } from "./telemetry";
import { observeWebSocketOperations } from "./wsTelemetry";

/** A gateway's request logs and metrics: what `createGateway` mounts, and how to take it down. */
export interface Observability {
  metrics: GatewayMetrics;
  /** Apollo Server plugin: principal, operation and outcome of each HTTP operation. */
  plugin: ApolloServerPlugin<Context>;
  /** Mounted first on `/graphql`: times each request and writes its log line when it is answered. */
  httpMiddleware: RequestHandler;
  /** `GET /metrics`. */
  metricsHandler: RequestHandler;
  /** Wraps graphql-ws server options with the same logs and metrics. */
  observeWebSocket<P extends ConnectionInitMessage["payload"], E>(options: ServerOptions<P, E>, principalOf?: (extra: E) => Principal | undefined): ServerOptions<P, E>;
  /** Stops counting this gateway's authorization denials. */
  close(): void;
}

/**
 * Everything per gateway (registry, label budgets, denial observer), since tests start several
 * gateways in one process. Denials are counted for this gateway's operations only: its contexts
 * carry its own `EventMemo`, which no other gateway shares.
 */
export function createObservability(deps: { config: { nodeEnv: string; observability?: ObservabilityConfig }; logger: Logger; services: Services }): Observability {
  const { logger, services } = deps;
  const metrics = createMetrics(services.db);
  const telemetry = createTelemetry(logger, metrics);
  const http = createHttpRequestLog(telemetry);
  const token = deps.config.observability?.metricsToken ?? null;
  if (!token && deps.config.nodeEnv === "production") {
    logger.warn("METRICS_TOKEN is not set: GET /metrics answers anyone who reaches this port; keep it off the public proxy");
  }
  const stopObservingDenials = onDenied((rule, ctx) => {
    if (ctx.memo === services.memo) metrics.denied(rule);
  });
  return {
    metrics,
    plugin: http.plugin,
    httpMiddleware: http.httpMiddleware,
    metricsHandler: metricsHandler(metrics.registry, token),
    observeWebSocket: (options, principalOf) => observeWebSocketOperations(telemetry, options, principalOf),
    close: stopObservingDenials,
  };
}
