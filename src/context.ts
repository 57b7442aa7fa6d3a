import { randomUUID } from "node:crypto";
import type { ApiKeyPrincipal, UserPrincipal } from "./auth/principal";
import type { Database } from "./db";
import { createLoaders, Loaders } from "./loaders";
import { ConversationScope, conversationScope } from "./permissions/scopes";
import type { EventBus } from "./subscriptions/events";
import type { RateLimiter } from "./security/rateLimiter";
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
  /** Bench-only variants (bench/); absent on every normal gateway, refused in production. */
  bench?: BenchSwitches;
}

/**
 * Variants of the gateway that only `npm run bench` starts, to measure what governance costs by
 * taking a piece away. `createGateway` refuses them when NODE_ENV=production.
 */
export interface BenchSwitches {
  /** "off": the schema without graphql-shield (row scopes still apply; they are the query). */
  authorization?: "off";
  /** "off": commands skip their audit entry (and so the hash chain); everything else runs. */
  auditWrites?: "off";
  /** A larger `first` cap for conversation pages than the API's, for the 1,000-row scenario. */
  maxPageSize?: number;
}

/** What every operation shares, whoever runs it. */
export interface Services {
  db: Database;
  events: EventBus;
  reloader: PrincipalReloader;
  memo: EventMemo;
  /** Per-principal and per-IP operation budgets, for HTTP and WebSocket alike. */
  rateLimiter: RateLimiter;
  now: () => Date;
  bench?: BenchSwitches;
}

/** Builds the context for one operation from an authenticated principal. */
export function buildContext(services: Services, principal: UserPrincipal | ApiKeyPrincipal, meta: RequestMeta): Context {
  const { db, events, now, reloader, memo } = services;
  return {
    ...(services.bench ? { bench: services.bench } : {}),
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
 * per-context rule cache cleared. A live event may bring what it prepared for the principal:
 * the loaders of its fan-out (made for a principal with the same `loaderShareKey`) and the
 * principal's scope (src/subscriptions/liveExecution.ts).
 */
export function refreshContext(ctx: Context, principal: UserPrincipal | ApiKeyPrincipal, prepared: { loaders?: Loaders; scope?: ConversationScope } = {}): void {
  ctx.principal = principal;
  ctx.scope = prepared.scope ?? conversationScope(principal);
  ctx.loaders = prepared.loaders ?? createLoaders(ctx.db.manager, principal);
  delete (ctx as Context & { _shield?: unknown })._shield;
}
