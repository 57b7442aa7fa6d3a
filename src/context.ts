import { randomUUID } from "node:crypto";
import type { ApiKeyPrincipal, UserPrincipal } from "./auth/principal";
import type { Database } from "./db";
import { createLoaders, Loaders } from "./loaders";
import { ConversationScope, conversationScope } from "./permissions/scopes";
import type { EventBus } from "./subscriptions/events";
import type { EventMemo } from "./subscriptions/eventMemo";
import type { PrincipalReloader } from "./subscriptions/principalReloader";

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
  /** Where commands publish queue events after their transaction commits. */
  events: EventBus;
  /** Reloads live subscribers' principals before each event. */
  reloader: PrincipalReloader;
  /** Work shared between the subscribers of one event. */
  memo: EventMemo;
}

/** What every operation shares, whoever runs it. */
export interface Services {
  db: Database;
  events: EventBus;
  reloader: PrincipalReloader;
  memo: EventMemo;
  now: () => Date;
}

/** Builds the context for one operation from an authenticated principal. */
export function buildContext(services: Services, principal: UserPrincipal | ApiKeyPrincipal, meta: RequestMeta): Context {
  const { db, events, now, reloader, memo } = services;
  return {
    principal,
    scope: conversationScope(principal),
    db,
    events,
    reloader,
    memo,
    loaders: createLoaders(db.manager, principal),
    requestId: meta.requestId ?? randomUUID(),
    ip: meta.ip,
    userAgent: meta.userAgent,
    now,
  };
}

/**
 * Points a long-lived context (a subscription's) at a freshly reloaded principal: new scope,
 * new loaders (nothing cached under the old principal survives) and graphql-shield's
 * per-context rule cache cleared.
 */
export function refreshContext(ctx: Context, principal: UserPrincipal | ApiKeyPrincipal): void {
  ctx.principal = principal;
  ctx.scope = conversationScope(principal);
  ctx.loaders = createLoaders(ctx.db.manager, principal);
  delete (ctx as Context & { _shield?: unknown })._shield;
}
