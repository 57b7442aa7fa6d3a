import { GraphQLError, GraphQLResolveInfo } from "graphql";
import type { IMiddlewareFunction } from "graphql-middleware";
import type { ApolloServerPlugin } from "@apollo/server";
import { asServiceUnavailable, ErrorCode } from "./errors";
import type { Logger } from "./logger";

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";

type Resolve = (parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * Field middleware (innermost, so graphql-shield passes its result through): a resolver that
 * fails because the database is unreachable fails with SERVICE_UNAVAILABLE instead of a masked
 * INTERNAL_SERVER_ERROR, on HTTP and WebSocket alike. Every other error and every result is
 * left as it is; synchronous results stay synchronous.
 */
function databaseFaults(resolve: Resolve, parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo): unknown {
  let result: unknown;
  try {
    result = resolve(parent, args, ctx, info);
  } catch (err) {
    throw asServiceUnavailable(err);
  }
  if (!isThenable(result)) return result;
  return Promise.resolve(result).catch((err: unknown) => { throw asServiceUnavailable(err); });
}

export const databaseFaultMiddleware = databaseFaults as IMiddlewareFunction;

/**
 * Logs why requests fail with SERVICE_UNAVAILABLE (the driver's error, which clients never see),
 * at most once per `intervalMs` with how many failures it stands for, so an outage under load
 * does not flood the logs (each request's own log line already carries its code).
 */
export function databaseUnavailableLog(logger: Logger, intervalMs = 10_000): (err: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    const cause = (err instanceof GraphQLError ? err.originalError : err) as { code?: unknown; message?: unknown } | undefined;
    logger.warn({ code: cause?.code, cause: typeof cause?.message === "string" ? cause.message : undefined, failuresSinceLast: suppressed }, "database unavailable: requests fail with SERVICE_UNAVAILABLE");
    last = now;
    suppressed = 0;
  };
}

/** Apollo plugin: reports the SERVICE_UNAVAILABLE errors of operations to `log` (see databaseUnavailableLog). */
export const databaseUnavailablePlugin = (log: (err: unknown) => void): ApolloServerPlugin => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        const unavailable = errors.find((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
        if (unavailable) log(unavailable);
      },
    };
  },
});
