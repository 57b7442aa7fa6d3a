import type { IncomingMessage, Server } from "node:http";
import { randomUUID } from "node:crypto";
import { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { authenticate } from "../auth/authenticate";
import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import type { Config } from "../config";
import { buildContext, Services } from "../context";
import type { Logger } from "../logger";
import { extraValidationRules } from "../validationRules";
import { ErrorCode, isDatabaseUnavailable } from "../errors";
import { costError, parseOptions } from "../security/operationLimits";
import { defaultSecurityConfig } from "../security/securityConfig";
import { originAllowed } from "../security/origins";
import type { ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { Observability } from "../observability";
import { liveSubscribe, sendsSerialized, wsSerializedSend } from "./liveExecution";

/** The largest WebSocket message accepted; bigger ones close the socket (1009). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Close code (RFC 6455 "Try Again Later") for a connection refused because the database is away. */
export const DATABASE_UNAVAILABLE_CLOSE_CODE = 1013;

/** Close code for a connection whose JWT expired while it was open. */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

interface ConnectionState {
  principal?: UserPrincipal | ApiKeyPrincipal;
  expiryTimer?: NodeJS.Timeout;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Distinct operation texts kept parsed and validated (oldest forgotten first). */
const MAX_CACHED_DOCUMENTS = 500;

/**
 * graphql-ws (`graphql-transport-ws`) on the HTTP server's `/graphql` path, with the same
 * authentication, context, schema and validation rules as HTTP. Credentials come in
 * `connectionParams.authorization`; a missing or bad one closes the socket with 4403 before
 * any operation, and a JWT that expires closes it when it does.
 */
export function attachWebSocketServer(httpServer: Server, schema: GraphQLSchema, services: Services, config: Config, logger: Logger,
  formatError: (e: GraphQLFormattedError) => GraphQLFormattedError = (e) => e, observability?: Pick<Observability, "observeWebSocket">) {
  const production = config.nodeEnv === "production";
  const security = config.security ?? defaultSecurityConfig();
  const wsServer = new WebSocketServer({
    server: httpServer, path: "/graphql", maxPayload: MAX_MESSAGE_BYTES,
    // Browsers send Origin; a page from a foreign site must not ride a user's credentials.
    verifyClient: ({ origin }: { origin?: string }) => originAllowed(origin, security.allowedOrigins, production),
  });
  const rules = [...specifiedRules, ...extraValidationRules(config, "ws")];
  const withCode = (errors: readonly GraphQLError[], code: string): GraphQLError[] =>
    errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { ...e.extensions, code: e.extensions?.code ?? code } }));
  // Valid documents by their text: every dashboard sends the same subscription, so it is parsed
  // and validated once (and held once: an AST per socket costs tens of kilobytes), not per socket.
  const documents = new Map<string, DocumentNode>();
  const remember = (query: string, document: DocumentNode) => {
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.delete(documents.keys().next().value!);
    documents.set(query, document);
  };
  const state = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object): ConnectionState => {
    let s = state.get(extra);
    if (!s) state.set(extra, (s = {}));
    return s;
  };

  // Request logs and metrics for every operation on the socket (src/observability).
  type WsOptions = ServerOptions<Record<string, unknown>, Extra & Partial<{ request: IncomingMessage }>>;
  const observed = (o: WsOptions): WsOptions => observability ? observability.observeWebSocket(o, (extra) => stateOf(extra).principal) : o;
  // The hooks graphql-ws runs on each result, for events sent pre-serialized (liveExecution.ts).
  let emitHooks: Pick<WsOptions, "onNext"> = {};
  const cleanup = useServer<Record<string, unknown>, { request: IncomingMessage }>(emitHooks = observed({
    schema,
    // Each event is executed once per cohort of subscribers that would get the same result.
    subscribe: liveSubscribe(services.memo),
    onConnect: async (ctx) => {
      const auth = await authenticate(services.db.manager, config.jwtSecret, ctx.connectionParams?.authorization)
        .catch((err: unknown) => { if (isDatabaseUnavailable(err)) return null; throw err; });
      if (auth === null) {
        // The database is away: 1013 "try again later" (clients retry), not 4500 (fatal) with the driver's message.
        ctx.extra.socket.close(DATABASE_UNAVAILABLE_CLOSE_CODE, "Service temporarily unavailable");
        return false;
      }
      if (!auth.ok) {
        try {
          await services.rateLimiter.consumeIp(ctx.extra.request.socket.remoteAddress ?? "unknown");
        } catch {
          ctx.extra.socket.close(4429, "Too many requests");
          return false;
        }
        return false; // graphql-ws closes with 4403 Forbidden
      }
      const s = stateOf(ctx.extra);
      s.principal = auth.principal;
      if (auth.expiresAt !== null) {
        const socket = ctx.extra.socket;
        s.expiryTimer = setTimeout(() => socket.close(TOKEN_EXPIRED_CLOSE_CODE, "Token expired"),
          Math.min(Math.max(0, auth.expiresAt - Date.now()), MAX_TIMER_MS));
      }
      return true;
    },
    onClose: (ctx) => { clearTimeout(stateOf(ctx.extra).expiryTimer); },
    onSubscribe: async (ctx, id, payload) => {
      const principal = stateOf(ctx.extra).principal;
      if (!principal) return [new GraphQLError("Authentication required", { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
      try {
        await services.rateLimiter.consumePrincipal(`${principal.kind}:${principal.id}`);
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError("Too many requests")];
      }
      let document = documents.get(payload.query);
      if (!document) {
        try {
          document = parse(payload.query, parseOptions(security.limits));
        } catch (err) {
          return withCode([err instanceof GraphQLError ? err : new GraphQLError("Syntax error")], "GRAPHQL_PARSE_FAILED");
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return withCode(errors, "GRAPHQL_VALIDATION_FAILED");
        remember(payload.query, document);
      }
      const tooCostly = costError(schema, document, payload.variables ?? undefined, payload.operationName, security.limits, !production);
      if (tooCostly) return [tooCostly];
      const request = ctx.extra.request;
      const contextValue = buildContext(services, principal, {
        requestId: randomUUID(), ip: request.socket.remoteAddress ?? null, userAgent: request.headers["user-agent"] ?? null,
      });
      sendsSerialized(contextValue, wsSerializedSend(ctx.extra.socket, id, (args, result) => emitHooks.onNext?.(ctx, id, payload, args, result)));
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
    },
    onError: (_ctx, _id, _payload, errors) => {
      for (const e of errors) if (!e.extensions?.code) logger.error({ err: e.originalError ?? e }, "subscription error");
      return errors.map((e) => formatError(e.toJSON()));
    },
    // Results over the socket are masked exactly like HTTP responses: codes kept, internals hidden.
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON())) } : undefined,
  }), wsServer);

  return {
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    close: async () => {
      for (const client of wsServer.clients) client.close(1001, "Server shutting down");
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
    connections: () => wsServer.clients.size,
  };
}
