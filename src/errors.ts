import { GraphQLError } from "graphql";

/** Every error code a client can see; tests assert on these, never on message text. */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  BAD_REQUEST = "BAD_REQUEST",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  CONFLICT = "CONFLICT",
  WINDOW_CLOSED = "WINDOW_CLOSED",
  RATE_LIMITED = "RATE_LIMITED",
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

/** One user-facing message per code; specific errors may add detail that reveals nothing. */
function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case ErrorCode.UNAUTHENTICATED: return "Authentication required";
    case ErrorCode.BAD_REQUEST: return "Malformed request";
    case ErrorCode.FORBIDDEN: return "Not allowed";
    case ErrorCode.NOT_FOUND: return "Not found";
    case ErrorCode.BAD_USER_INPUT: return "Invalid input";
    case ErrorCode.CONFLICT: return "Conflicting change; reload and try again";
    case ErrorCode.WINDOW_CLOSED: return "The 24-hour customer service window is closed; send an approved template instead";
    case ErrorCode.RATE_LIMITED: return "Too many requests";
    case ErrorCode.QUERY_TOO_COMPLEX: return "Query is too expensive";
    case ErrorCode.SERVICE_UNAVAILABLE: return "Service temporarily unavailable";
    case ErrorCode.INTERNAL_SERVER_ERROR: return "Internal server error";
  }
}

/** A GraphQLError carrying a stable `extensions.code`. */
export function appError(code: ErrorCode, message?: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message ?? defaultMessage(code), { extensions: { ...extensions, code } });
}

export const unauthenticated = (): GraphQLError => appError(ErrorCode.UNAUTHENTICATED);
export const forbidden = (message?: string): GraphQLError => appError(ErrorCode.FORBIDDEN, message);
export const notFound = (what = "Not found"): GraphQLError => appError(ErrorCode.NOT_FOUND, what);
export const badInput = (message: string, field?: string): GraphQLError =>
  appError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const conflict = (message?: string): GraphQLError => appError(ErrorCode.CONFLICT, message);

/** Whether a thrown value is one of ours, carrying the given code. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof GraphQLError && err.extensions?.code === code;
}

/**
 * Driver and pool error codes meaning "the database cannot be reached right now", not "the query
 * was wrong": refused, reset or timed-out connections, a server going down or out of connections.
 */
const DATABASE_UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENOTFOUND", "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST", "PROTOCOL_SEQUENCE_TIMEOUT", "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "ER_CON_COUNT_ERROR", "ER_TOO_MANY_USER_CONNECTIONS", "ER_SERVER_SHUTDOWN", "ER_CONNECTION_KILLED",
]);
/** mysql2 and TypeORM report some of the same conditions by message or error name only. */
const DATABASE_UNAVAILABLE_MESSAGE = /^(Pool is closed|Can't add new command when connection is in closed state|Can't write in closed state|Connection lost|Queue limit reached|No connections available)/;
const DATABASE_UNAVAILABLE_NAMES = new Set(["CannotExecuteNotConnectedError", "ConnectionIsNotSetError"]);

/**
 * Whether an error (or what it wraps: GraphQL's `originalError`, TypeORM's `driverError`, a
 * `cause`) says the database is unreachable. Errors that already carry a code are never this.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== "object" || depth > 6) return false;
  if (err instanceof GraphQLError && err.extensions?.code) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; originalError?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string" && DATABASE_UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.name === "string" && DATABASE_UNAVAILABLE_NAMES.has(e.name)) return true;
  if (!(err instanceof GraphQLError) && typeof e.message === "string" && DATABASE_UNAVAILABLE_MESSAGE.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true; // AggregateError
  return [e.originalError, e.driverError, e.cause].some((x) => x !== err && isDatabaseUnavailable(x, depth + 1));
}

/**
 * SERVICE_UNAVAILABLE for an unreachable database: the client may retry later. The driver error
 * is kept as `originalError` for the logs and never shown. `http` sets the response status where
 * the whole request failed (authentication); a field error leaves it to the transport.
 */
export function serviceUnavailable(cause?: unknown, http = false): GraphQLError {
  return new GraphQLError("Service temporarily unavailable", {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...(http ? { http: { status: 503 } } : {}) },
  });
}

/** `err` as SERVICE_UNAVAILABLE when it says the database is unreachable; otherwise `err` unchanged. */
export function asServiceUnavailable(err: unknown, http = false): unknown {
  return isDatabaseUnavailable(err) ? serviceUnavailable(err, http) : err;
}
