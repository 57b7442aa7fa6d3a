import { Repeater } from "@graphql-yoga/subscription";
import type { GraphQLError } from "graphql";
import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import { Context, refreshContext } from "../context";
import { appError, asServiceUnavailable, ErrorCode } from "../errors";
import { createLoaders, loaderShareKey, Loaders } from "../loaders";
import type { ConversationScope } from "../permissions/scopes";
import { QueueEvent, teamTopic } from "./events";

type Live = UserPrincipal | ApiKeyPrincipal;

/** One event as a subscriber receives it: with its principal as reloaded for that event. */
export interface LiveEvent {
  event: QueueEvent;
  principal: Live;
  /** The principal's scope, when prepared with it (liveExecution.ts); else computed from it. */
  scope?: ConversationScope;
}

/** A stream's rules: who may hold it (checked at subscribe and before every event) and which events it wants. */
export interface StreamRules {
  /** Returns an error when the principal may not hold the stream. */
  refuse(p: Live): GraphQLError | null;
  /** The team topics to listen on, for the principal at subscribe time. */
  topics(p: Live): string[];
  accept(e: QueueEvent, p: Live): boolean;
}

/**
 * A live stream authorized at subscribe time and again before every event: the subscriber's
 * principal is reloaded (shared within one event's fan-out) and a deactivated, revoked or
 * demoted subscriber gets an error and the stream completes. graphql-shield only wraps
 * `resolve`, so this is where subscriptions are governed.
 */
export function liveStream(ctx: Context, rules: StreamRules): AsyncIterable<LiveEvent> {
  const refused = rules.refuse(ctx.principal);
  if (refused) throw refused;
  const topics = rules.topics(ctx.principal).map(teamTopic);
  const sources = topics.map((t) => ctx.events.subscribe(t));
  const source = sources.length === 1 ? sources[0] : Repeater.merge(sources);
  const organizationId = ctx.principal.organizationId;
  let principal: Live = ctx.principal;

  return new Repeater<LiveEvent>(async (push, stop) => {
    void stop.then(() => source.return?.());
    try {
      for await (const event of source) {
        if (event.organizationId !== organizationId) continue;
        const fresh = await ctx.reloader.load(event.id, principal);
        if (!fresh) return stop(appError(ErrorCode.UNAUTHENTICATED, "The subscriber is no longer active"));
        const denied = rules.refuse(fresh);
        if (denied) return stop(denied);
        principal = fresh;
        if (rules.accept(event, fresh)) await push({ event, principal: fresh });
      }
      stop();
    } catch (err) {
      stop(asServiceUnavailable(err)); // e.g. the principal could not be reloaded: the database is away
    }
  });
}

/**
 * The loaders a subscriber resolves one event with: shared with the event's other subscribers
 * whose principals have the same `loaderShareKey` (same organization and note visibility, hence
 * the same rows), so the rows of a payload are read once per event, not once per subscriber.
 * Row scopes and field rules still run for each subscriber under its own principal.
 */
export const eventLoaders = (ctx: Context, live: LiveEvent): Loaders =>
  ctx.memo.value(live.event.id, `loaders:${loaderShareKey(live.principal)}`, () => createLoaders(ctx.db.manager, live.principal));

/** Points a subscription's context at one event: its principal as reloaded, the event's loaders, the prepared scope. */
export const enterLiveEvent = (ctx: Context, live: LiveEvent): void =>
  refreshContext(ctx, live.principal, { loaders: eventLoaders(ctx, live), scope: live.scope });
