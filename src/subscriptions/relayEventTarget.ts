import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import type { Logger } from "../logger";

/** The event shape `@graphql-yoga/subscription`'s pub/sub dispatches and listens for. */
interface BusEvent {
  type: string;
  detail: unknown;
}
type Listener = ((event: BusEvent) => void) | { handleEvent(event: BusEvent): void };

/** The fields of an event as relayed through Redis: the event itself plus the instance that published it. */
const ORIGIN = "_origin";

/** An event target for the gateway's pub/sub that survives Redis going away. */
export interface RelayEventTarget {
  addEventListener(topic: string, listener: Listener | null): void;
  removeEventListener(topic: string, listener: Listener | null): void;
  dispatchEvent(event: BusEvent): boolean;
  /** This instance's id, stamped on what it relays. */
  readonly instanceId: string;
  /** Events published here that could not be relayed to the other instances (Redis was away). */
  unrelayed(): number;
}

/**
 * Delivers every event to this instance's own subscribers at once, in process, and relays it
 * through Redis (one channel per topic) to the other instances; events coming back from Redis
 * that this instance published are skipped, so nobody gets one twice. While Redis is away each
 * instance keeps serving its own subscribers, and what it publishes meanwhile does not reach
 * the others (live notifications are at most once; the database stays the record, so clients
 * catch up by querying). On every (re)connect the subscribing client subscribes again to every
 * topic this instance has listeners for.
 *
 * On the wire an event is its JSON with an `_origin` field added (events are objects), which
 * an instance of the previous version reads as the event itself.
 */
export function createRelayEventTarget(publishClient: Redis, subscribeClient: Redis, logger: Logger): RelayEventTarget {
  const instanceId = randomUUID();
  const listeners = new Map<string, Set<Listener>>();
  let unrelayed = 0;

  const deliver = (topic: string, detail: unknown) => {
    const set = listeners.get(topic);
    if (!set) return;
    const event: BusEvent = { type: topic, detail };
    for (const l of [...set]) {
      if (typeof l === "function") l(event);
      else l.handleEvent(event);
    }
  };

  subscribeClient.on("message", (channel: string, message: string) => {
    let parsed: unknown;
    try {
      parsed = message === "" ? null : JSON.parse(message);
    } catch {
      logger.warn({ channel }, "redis relay: unreadable message skipped");
      return;
    }
    if (parsed !== null && typeof parsed === "object" && ORIGIN in parsed) {
      const { [ORIGIN]: origin, ...event } = parsed as Record<string, unknown>;
      if (origin === instanceId) return; // delivered locally when it was published
      deliver(channel, event);
    } else {
      deliver(channel, parsed);
    }
  });

  const subscribe = (topics: string[]) => {
    if (topics.length === 0 || subscribeClient.status !== "ready") return; // done on the next 'ready'
    subscribeClient.subscribe(...topics).then(
      () => {
        const unwanted = topics.filter((t) => !listeners.has(t)); // every listener left meanwhile
        if (unwanted.length) unsubscribe(unwanted);
      },
      (err: Error) => logger.debug({ err: err.message }, "redis relay: subscribe failed; retried on reconnect"),
    );
  };
  const unsubscribe = (topics: string[]) => {
    if (subscribeClient.status !== "ready") return; // a new connection starts without it
    subscribeClient.unsubscribe(...topics).catch((err: Error) => logger.debug({ err: err.message }, "redis relay: unsubscribe failed"));
  };
  // autoResubscribe is off: this is the one place that decides what the connection listens to.
  subscribeClient.on("ready", () => subscribe([...listeners.keys()]));

  return {
    instanceId,
    unrelayed: () => unrelayed,
    addEventListener(topic, listener) {
      if (!listener) return;
      let set = listeners.get(topic);
      if (!set) {
        listeners.set(topic, (set = new Set()));
        subscribe([topic]);
      }
      set.add(listener);
    },
    removeEventListener(topic, listener) {
      const set = listeners.get(topic);
      if (!set || !listener) return;
      set.delete(listener);
      if (set.size > 0) return;
      listeners.delete(topic);
      unsubscribe([topic]);
    },
    dispatchEvent(event) {
      deliver(event.type, event.detail);
      const detail = event.detail;
      if (detail === null || typeof detail !== "object" || Array.isArray(detail)) {
        logger.warn({ topic: event.type }, "redis relay: only object events are relayed");
        return true;
      }
      if (publishClient.status !== "ready") {
        unrelayed++;
        return true;
      }
      publishClient.publish(event.type, JSON.stringify({ ...detail, [ORIGIN]: instanceId })).catch((err: Error) => {
        unrelayed++;
        logger.debug({ err: err.message, topic: event.type }, "redis relay: publish failed");
      });
      return true;
    },
  };
}

/**
 * Logs a Redis client's outages once each, not once per retry: a warning when the connection
 * is lost (and with the first error), info when it is back, with how long it was away.
 */
export function watchRedisConnection(client: Redis, name: string, logger: Logger, extra: () => Record<string, unknown> = () => ({})): void {
  let lostAt: number | null = null;
  let wasReady = false;
  let errorsThisOutage = 0;
  const lost = (reason: string) => {
    if (!wasReady || lostAt !== null) return;
    lostAt = Date.now();
    errorsThisOutage = 0;
    logger.warn({ client: name, reason }, "redis connection lost; subscriptions are served by this instance only until it is back");
  };
  client.on("ready", () => {
    if (lostAt !== null) logger.info({ client: name, downMs: Date.now() - lostAt, ...extra() }, "redis reconnected");
    else logger.info({ client: name }, "redis connected");
    lostAt = null;
    wasReady = true;
  });
  client.on("close", () => lost("connection closed"));
  client.on("error", (err: Error) => {
    errorsThisOutage++;
    if (lostAt === null || errorsThisOutage === 1) logger.warn({ client: name, err: err.message }, "redis connection error");
    else logger.debug({ client: name, err: err.message }, "redis connection error");
  });
}
