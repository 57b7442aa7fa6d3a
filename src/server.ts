import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, Server } from "node:http";
import { ApolloServer, ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { NextFunction, Request, Response } from "express";
import { GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { authenticate } from "./auth/authenticate";
import { Config, drainGraceMs } from "./config";
import { BenchSwitches, buildContext, Context, Services } from "./context";
import type { Database } from "./db";
import { appError, asServiceUnavailable, ErrorCode } from "./errors";
import type { Logger } from "./logger";
import { buildBareSchema, buildGovernedSchema } from "./schema";
import { attachWebSocketServer } from "./subscriptions/wsServer";
import { createObservability } from "./observability";
import { databaseUnavailableLog, databaseUnavailablePlugin } from "./databaseFaults";
import { extraValidationRules } from "./validationRules";
import helmet from "helmet";
import { costLimitPlugin, helmetOptions, withoutSuggestions } from "./security/apolloSecurity";
import { parseOptions } from "./security/operationLimits";
import { createRateLimiter } from "./security/rateLimiter";
import { defaultSecurityConfig } from "./security/securityConfig";
import { createInProcessBus, EventBus } from "./subscriptions/events";
import { createRedisBus } from "./subscriptions/redisBus";
import { EventMemo } from "./subscriptions/eventMemo";
import { PrincipalReloader } from "./subscriptions/principalReloader";
import { createOutboxWorker, OutboxWorker } from "./messaging/outboxWorker";
import { whatsappWebhook } from "./webhooks/whatsappWebhook";

/** What the gateway needs to serve: configuration, the database, a logger, and a clock. */
export interface ServerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  now?: () => Date;
  schema?: GraphQLSchema;
  /** The queue event bus; an in-process one when not given. */
  events?: EventBus;
  /** Bench-only variants (`npm run bench`); refused when NODE_ENV=production. */
  bench?: BenchSwitches;
}

/** Thrown at start when a bench-only switch is asked of a production gateway. */
export class BenchSwitchRefused extends Error {}

/** A production gateway never runs without its authorization or its audit trail, whoever asks. */
function refuseBenchSwitchesInProduction(config: Config, bench: BenchSwitches | undefined): void {
  if (!bench || Object.keys(bench).length === 0) return;
  if (config.nodeEnv === "production" || process.env.NODE_ENV === "production") {
    throw new BenchSwitchRefused(`bench-only switches (${Object.keys(bench).join(", ")}) are refused when NODE_ENV=production`);
  }
}

export interface Gateway {
  httpServer: Server;
  services: Services;
  app: express.Express;
  /** Delivers queued outbound WhatsApp messages (polls unless its interval is 0; tests call drain()). */
  outbox: OutboxWorker;
  /** Listens on `port` (0 picks a free one) and resolves to the bound port. */
  listen(port: number): Promise<number>;
  /** Stops accepting, drains in-flight requests, closes the server (not the database). */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The codes clients may act on; anything else is an internal error and is masked. */
const EXPOSED_CODES = new Set<string>([...Object.values(ErrorCode), "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE"]);
EXPOSED_CODES.delete(ErrorCode.INTERNAL_SERVER_ERROR);

/** Masks internal errors outside development: no stack, no SQL, just a code. */
export function formatError(development: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
    if (development) return formatted;
    if (!EXPOSED_CODES.has(code)) {
      return { message: "Internal server error", path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}

/** Logs unexpected errors with the request id that the client also receives. */
const errorLogPlugin = (logger: Logger): ApolloServerPlugin<Context> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors, operationName }) {
        for (const err of errors) {
          const code = err.extensions?.code;
          if (!code || code === ErrorCode.INTERNAL_SERVER_ERROR) {
            logger.error({ requestId: contextValue?.requestId, operationName, err: err.originalError ?? err }, "internal error");
          }
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
        for (const e of response.body.singleResult.errors) {
          if (e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) (e.extensions as Record<string, unknown>).requestId = contextValue?.requestId;
        }
      },
    };
  },
});

/** Express + Apollo Server on one HTTP server, with health endpoints. */
export async function createGateway(deps: ServerDeps): Promise<Gateway> {
  const { config, db, logger } = deps;
  refuseBenchSwitchesInProduction(config, deps.bench);
  // With REDIS_URL, queue events travel through Redis so every instance's subscribers get them.
  const redis = !deps.events && config.redisUrl ? await createRedisBus(config.redisUrl, logger) : null;
  const events = deps.events ?? redis?.bus ?? createInProcessBus();
  const security = config.security ?? defaultSecurityConfig();
  const rateLimiter = createRateLimiter(security, config.redisUrl, logger);
  const services: Services = { db, events, reloader: new PrincipalReloader(db), memo: new EventMemo(), rateLimiter, now: deps.now ?? (() => new Date()), ...(deps.bench ? { bench: deps.bench } : {}) };
  const observability = createObservability({ config, logger, services });
  const development = config.nodeEnv === "development";
  const unavailableLog = databaseUnavailableLog(logger);
  const production = config.nodeEnv === "production";
  const app = express();
  app.disable("x-powered-by");
  // Client IPs (rate limits, audit) come from X-Forwarded-For only when set by a trusted proxy.
  app.set("trust proxy", security.trustProxy);
  app.use(helmet(helmetOptions(production)));
  // Once stopping, a request that still arrives on a kept-alive connection is refused, never run:
  // its answer could not be delivered any more, and a write must not commit unacknowledged.
  let stopping = false;
  app.use((req, res, next) => {
    if (!stopping || req.path === "/healthz") return next();
    res.set("connection", "close").status(503).json({ errors: [{ message: "Server shutting down", extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] });
  });
  const httpServer = createHttpServer(app);
  const schema = deps.schema ?? (deps.bench?.authorization === "off" ? buildBareSchema(services.events) : buildGovernedSchema(services.events));
  const apollo = new ApolloServer<Context>({
    schema,
    validationRules: extraValidationRules(config, "http"),
    parseOptions: parseOptions(security.limits),
    includeStacktraceInErrorResponses: development,
    formatError: withoutSuggestions(formatError(development), production),
    introspection: config.nodeEnv !== "production",
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // The process owns SIGTERM/SIGINT (src/main.ts): Apollo's own handlers would re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: drainGraceMs(config) }), errorLogPlugin(logger), databaseUnavailablePlugin(unavailableLog), costLimitPlugin<Context>(schema, security.limits, !production), observability.plugin],
  });
  await apollo.start();
  const ws = attachWebSocketServer(httpServer, schema, services, config, logger, withoutSuggestions(formatError(development), production), observability);
  const outbox = createOutboxWorker({ ...services, config, logger });
  outbox.start();

  app.get("/healthz", (_req, res) => { res.json({ status: "ok" }); });
  app.get("/metrics", observability.metricsHandler);
  app.use("/webhooks/whatsapp", whatsappWebhook({ ...services, config, logger }));
  app.get("/readyz", async (_req, res) => {
    const database = await db.ping();
    // Redis being away degrades subscriptions to this instance only; it does not stop serving.
    const checks = redis ? { database, redis: redis.healthy() } : { database };
    res.status(database ? 200 : 503).json({ ready: database, checks });
  });

  app.use("/graphql", observability.httpMiddleware);
  app.use("/graphql", (req, res, next) => {
    const given = req.get("x-request-id");
    res.locals.requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", res.locals.requestId);
    next();
  });
  app.use("/graphql", express.json({ limit: "100kb" }));
  app.use("/graphql", expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      // An unreachable database while loading the principal: 503 SERVICE_UNAVAILABLE, not a masked 500.
      const auth = await authenticate(db.manager, config.jwtSecret, req.headers.authorization).catch((err: unknown) => {
        const mapped = asServiceUnavailable(err, true);
        if (mapped !== err) unavailableLog(err);
        throw mapped;
      });
      if (!auth.ok) {
        // Failed and missing credentials spend the caller's IP budget, which stops guessing.
        await rateLimiter.consumeIp(req.ip ?? "unknown");
        throw new GraphQLError("Authentication required", { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
      }
      await rateLimiter.consumePrincipal(`${auth.principal.kind}:${auth.principal.id}`);
      return buildContext(services, auth.principal, { requestId: res.locals.requestId, ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null });
    },
  }));
  // Bodies express could not parse: a GraphQL-shaped 400 instead of an HTML page.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const code = status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST;
    if (status === 500) logger.error({ err }, "unhandled error");
    const message = err.type === "entity.parse.failed" ? "Malformed JSON body" : err.type === "entity.too.large" ? "Request body too large" : undefined;
    res.status(status).json({ errors: [{ message: appError(code, message).message, extensions: { code } }] });
  });

  return {
    httpServer,
    services,
    app,
    outbox,
    listen: (port) => new Promise((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, () => {
        const address = httpServer.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    }),
    stop: async () => {
      stopping = true;
      // Sockets get 1001 first, then HTTP stops accepting and drains; the outbox finishes its round meanwhile.
      const outboxStopped = outbox.stop();
      await ws.close();
      await apollo.stop();
      await outboxStopped;
      await redis?.close();
      await rateLimiter.close();
      observability.close();
    },
  };
}
