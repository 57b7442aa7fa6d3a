import { createPubSub } from "@graphql-yoga/subscription";
import Redis from "ioredis";
import type { Logger } from "../logger";
import type { EventBus } from "./events";
import { createRelayEventTarget, RelayEventTarget, watchRedisConnection } from "./relayEventTarget";

/**
 * A bus shared by every gateway instance through Redis pub/sub, one channel per team topic. An
 * instance's own subscribers never depend on Redis: when it is away they still get what this
 * instance publishes, /readyz reports `redis: false`, and the clients reconnect by themselves.
 */
export interface RedisBus {
  bus: EventBus;
  /** Whether both connections are up, for /readyz. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Connects the publishing and subscribing clients (a subscribed Redis connection can do nothing else). */
export async function createRedisBus(url: string, logger: Logger): Promise<RedisBus> {
  // No offline queue: while Redis is away a publish fails at once (the event was already delivered
  // locally) instead of piling up and arriving late; subscriptions are renewed on reconnect by
  // the relay, not by ioredis (autoResubscribe would also renew topics nobody listens to any more).
  const options = { lazyConnect: true, enableOfflineQueue: false, autoResubscribe: false, connectTimeout: 2000 };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  let eventTarget: RelayEventTarget | undefined;
  watchRedisConnection(publishClient, "publish", logger, () => ({ unrelayedEvents: eventTarget?.unrelayed() ?? 0 }));
  watchRedisConnection(subscribeClient, "subscribe", logger);
  // Fail at start when Redis is unreachable: a misconfigured REDIS_URL must not go unnoticed.
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (err) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw err;
  }
  // Local subscribers are served in process, other instances through Redis: see relayEventTarget.
  eventTarget = createRelayEventTarget(publishClient, subscribeClient, logger);
  return {
    bus: createPubSub({ eventTarget: eventTarget as unknown as EventTarget }) as EventBus,
    healthy: () => publishClient.status === "ready" && subscribeClient.status === "ready",
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
