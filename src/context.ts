import { randomUUID } from "node:crypto";
import type { ApiKeyPrincipal, UserPrincipal } from "./auth/principal";
import type { Database } from "./db";
import { createLoaders, Loaders } from "./loaders";
import { ConversationScope, conversationScope } from "./permissions/scopes";

/** Where a request came from, for the audit trail and logs. */
export interface RequestMeta {
  requestId?: string;
  ip: string | null;
  userAgent: string | null;
}

/** Everything a resolver may use: one shape for HTTP and WebSocket operations. */
export interface Context {
  principal: UserPrincipal | ApiKeyPrincipal;
  /** The principal's conversation scope, computed once per request. */
  scope: ConversationScope;
  db: Database;
  loaders: Loaders;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /** The current time; injectable so time-window rules are tested without sleeping. */
  now: () => Date;
}

/** Builds the context for one operation from an authenticated principal. */
export function buildContext(db: Database, principal: UserPrincipal | ApiKeyPrincipal, meta: RequestMeta, now: () => Date = () => new Date()): Context {
  return {
    principal,
    scope: conversationScope(principal),
    db,
    loaders: createLoaders(db.manager, principal),
    requestId: meta.requestId ?? randomUUID(),
    ip: meta.ip,
    userAgent: meta.userAgent,
    now,
  };
}
