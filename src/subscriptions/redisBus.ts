import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "@graphql-yoga/subscription";
import Redis from "ioredis";
import type { Logger } from "../logger";
import type { EventBus } from "./events";

/** A bus shared by every gateway instance through Redis pub/sub, one channel per team topic. */
export interface RedisBus {
  bus: EventBus;
  /** Whether both connections are up, for /readyz. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Connects the publishing and subscribing clients (a subscribed Redis connection can do nothing else). */
export async function createRedisBus(url: string, logger: Logger): Promise<RedisBus> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  for (const [name, client] of [["publish", publishClient], ["subscribe", subscribeClient]] as const) {
    client.on("error", (err: Error) => logger.warn({ err: err.message, client: name }, "redis connection error"));
    client.on("ready", () => logger.info({ client: name }, "redis connected"));
  }
  // Fail at start when Redis is unreachable: a misconfigured REDIS_URL must not go unnoticed.
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    bus: createPubSub({ eventTarget }) as EventBus,
    healthy: () => publishClient.status === "ready" && subscribeClient.status === "ready",
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
