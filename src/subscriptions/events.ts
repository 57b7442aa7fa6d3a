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

/** An in-process bus for a single gateway instance. */
export const createInProcessBus = (): EventBus => createPubSub<Channels>();

/** Publishes events (after their transaction committed) on their team's channel. */
export function publishQueueEvents(bus: EventBus, events: readonly QueueEvent[]): void {
  for (const e of events) bus.publish(teamTopic(e.teamId), e);
}
