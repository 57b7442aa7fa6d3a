import type { GraphQLResolveInfo } from "graphql";
import type { IMiddlewareFunction } from "graphql-middleware";
import { asServiceUnavailable } from "./errors";

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
