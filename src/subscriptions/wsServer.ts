import type { IncomingMessage, Server } from "node:http";
import { randomUUID } from "node:crypto";
import { GraphQLError, GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { authenticate } from "../auth/authenticate";
import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import type { Config } from "../config";
import { buildContext, Services } from "../context";
import type { Logger } from "../logger";
import { extraValidationRules } from "../validationRules";

/** Close code for a connection whose JWT expired while it was open. */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

interface ConnectionState {
  principal?: UserPrincipal | ApiKeyPrincipal;
  expiryTimer?: NodeJS.Timeout;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * graphql-ws (`graphql-transport-ws`) on the HTTP server's `/graphql` path, with the same
 * authentication, context, schema and validation rules as HTTP. Credentials come in
 * `connectionParams.authorization`; a missing or bad one closes the socket with 4403 before
 * any operation, and a JWT that expires closes it when it does.
 */
export function attachWebSocketServer(httpServer: Server, schema: GraphQLSchema, services: Services, config: Config, logger: Logger) {
  const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql", maxPayload: 64 * 1024 });
  const rules = [...specifiedRules, ...extraValidationRules(config)];
  const state = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object): ConnectionState => {
    let s = state.get(extra);
    if (!s) state.set(extra, (s = {}));
    return s;
  };

  const cleanup = useServer<Record<string, unknown>, { request: IncomingMessage }>({
    schema,
    onConnect: async (ctx) => {
      const auth = await authenticate(services.db.manager, config.jwtSecret, ctx.connectionParams?.authorization);
      if (!auth.ok) return false; // graphql-ws closes with 4403 Forbidden
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
    onSubscribe: (ctx, _id, payload) => {
      let document;
      try {
        document = parse(payload.query);
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError("Syntax error")];
      }
      const errors = validate(schema, document, rules);
      if (errors.length > 0) return errors;
      const principal = stateOf(ctx.extra).principal;
      if (!principal) return undefined; // unreachable: onConnect refused the socket
      const request = ctx.extra.request;
      return {
        schema, document, operationName: payload.operationName, variableValues: payload.variables,
        contextValue: buildContext(services, principal, {
          requestId: randomUUID(), ip: request.socket.remoteAddress ?? null, userAgent: request.headers["user-agent"] ?? null,
        }),
      };
    },
    onError: (_ctx, _id, _payload, errors) => {
      for (const e of errors) if (!e.extensions?.code) logger.error({ err: e.originalError ?? e }, "subscription error");
    },
  }, wsServer);

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
