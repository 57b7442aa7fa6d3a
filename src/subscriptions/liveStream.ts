import type { GraphQLError } from "graphql";
import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import { Context, refreshContext } from "../context";
import { appError, asServiceUnavailable, ErrorCode } from "../errors";
import { createLoaders, loaderShareKey, Loaders } from "../loaders";
import type { ConversationScope } from "../permissions/scopes";
import { EventBus, QueueEvent, teamTopic } from "./events";
import { HubListener, LiveHub, LiveQueue } from "./liveHub";
import { principalKey, PrincipalReloader, Reload } from "./principalReloader";

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

/** A live stream as the hub sees it: its subscriber's context, principal, rules and queue. */
interface Stream extends HubListener, Reload {
  ctx: Context;
  /** As at subscribe time: what to reload (kind and id never change). */
  principal: Live;
  /** `principalKey(principal)`. */
  key: string;
  rules: StreamRules;
  queue: LiveQueue<LiveEvent>;
}

const hubs = new WeakMap<EventBus, LiveHub<Stream>>();

/** The gateway's hub (one per event bus): one bus subscription per topic, however many streams. */
function hubFor(bus: EventBus): LiveHub<Stream> {
  let hub = hubs.get(bus);
  if (!hub) hubs.set(bus, (hub = new LiveHub<Stream>(bus, deliver)));
  return hub;
}

/**
 * Hands one event to the streams listening on its topic: their principals are reloaded (in one
 * batch, see PrincipalReloader) and checked again, a refused or vanished subscriber's stream
 * ends with the error, and the others get the event if they want it.
 */
async function deliver(event: QueueEvent, streams: Stream[]): Promise<void> {
  // Every stream of a gateway shares its reloader; a bus shared by gateways (tests) may mix them.
  const byReloader = new Map<PrincipalReloader, Stream[]>();
  for (const s of streams) {
    if (s.queue.done) continue;
    const group = byReloader.get(s.ctx.reloader);
    if (group) group.push(s);
    else byReloader.set(s.ctx.reloader, [s]);
  }
  await Promise.all([...byReloader].map(async ([reloader, group]) => {
    let reloaded: Map<string, Live | null>;
    try {
      reloaded = await reloader.loadAll(group);
    } catch (err) {
      // e.g. the principals could not be reloaded: the database is away
      for (const s of group) s.queue.end(asServiceUnavailable(err));
      return;
    }
    for (const s of group) {
      const fresh = reloaded.get(s.key);
      if (!fresh) { s.queue.end(appError(ErrorCode.UNAUTHENTICATED, "The subscriber is no longer active")); continue; }
      const denied = s.rules.refuse(fresh);
      if (denied) { s.queue.end(denied); continue; }
      if (s.rules.accept(event, fresh)) s.queue.push({ event, principal: fresh });
    }
  }));
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
  const topics = [...new Set(rules.topics(ctx.principal).map(teamTopic))];
  const hub = hubFor(ctx.events);
  const stream: Stream = {
    organizationId: ctx.principal.organizationId, ctx, principal: ctx.principal, key: principalKey(ctx.principal), rules,
    queue: new LiveQueue<LiveEvent>(() => { for (const t of topics) hub.detach(t, stream); }),
  };
  for (const t of topics) hub.attach(t, stream);
  return stream.queue;
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
