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
