import { createPubSub } from "@graphql-yoga/subscription";

/** What happened to a team's queue (issue: the live queue). */
export type QueueEventType =
  | "CONVERSATION_CREATED" | "ASSIGNED" | "UNASSIGNED" | "TRANSFERRED_IN" | "TRANSFERRED_OUT"
  | "STATUS_CHANGED" | "LABELS_CHANGED" | "MESSAGE_RECEIVED";

/**
 * A queue event carries ids and the team, never rendered data: each subscriber's view is
 * resolved under its own principal, so an event cannot leak what a subscriber may not see.
 */
export interface QueueEvent {
  /** Unique per event, so subscribers can share work done for the same event. */
  id: string;
  type: QueueEventType;
  organizationId: string;
  teamId: string;
  conversationId: string;
  /** The assignee after the change, and before it, for `myAssignments`. */
  assigneeId: string | null;
  previousAssigneeId: string | null;
  at: string;
}

/** One channel per team: fan-out to subscribers happens in the gateway, not in the broker. */
export const teamTopic = (teamId: string): string => `queue.${teamId}`;

type Channels = Record<string, [QueueEvent]>;

/** The event bus; in-process here, Redis-backed when the gateway is scaled out. */
export type EventBus = ReturnType<typeof createPubSub<Channels>>;

type Listener = (event: Event) => void;
type Handler = Listener | { handleEvent(event: Event): void } | null;

/**
 * An event target keeping each topic's listeners in a Set, as the Redis one does: a team's queue
 * has hundreds of watchers on one gateway, and Node's EventTarget warns past ten listeners per
 * type ("possible memory leak") and does more work per listener on every dispatch.
 */
function topicEventTarget(): EventTarget {
  const byTopic = new Map<string, Set<Listener>>();
  const fn = (l: Handler): Listener | null =>
    l === null ? null : typeof l === "function" ? l : (e) => l.handleEvent(e);
  const objects = new WeakMap<object, Listener>();
  const listenerOf = (l: Handler): Listener | null => {
    if (l === null || typeof l === "function") return fn(l);
    let f = objects.get(l);
    if (!f) objects.set(l, (f = fn(l)!));
    return f;
  };
  return {
    addEventListener(topic: string, l: Handler) {
      const f = listenerOf(l);
      if (!f) return;
      let set = byTopic.get(topic);
      if (!set) byTopic.set(topic, (set = new Set()));
      set.add(f);
    },
    removeEventListener(topic: string, l: Handler) {
      const f = listenerOf(l);
      const set = byTopic.get(topic);
      if (!f || !set) return;
      set.delete(f);
      if (set.size === 0) byTopic.delete(topic);
    },
    dispatchEvent(event: Event) {
      const set = byTopic.get(event.type);
      // A copy: a listener may unsubscribe (its stream ending) while the event is delivered; and
      // one listener failing must not keep the event from the others.
      if (set) {
        for (const f of [...set]) {
          try { f(event); } catch { /* the listener's own stream reports its failure */ }
        }
      }
      return true;
    },
  };
}

/** An in-process bus for a single gateway instance. */
export const createInProcessBus = (): EventBus => createPubSub<Channels>({ eventTarget: topicEventTarget() as never });

/** Publishes events (after their transaction committed) on their team's channel. */
export function publishQueueEvents(bus: EventBus, events: readonly QueueEvent[]): void {
  for (const e of events) bus.publish(teamTopic(e.teamId), e);
}
