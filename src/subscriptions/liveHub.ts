import { appError, ErrorCode } from "../errors";
import type { EventBus, QueueEvent } from "./events";

/**
 * What a live stream puts on its consumer's side: events in order, then an end (with an error
 * or not). graphql-ws pulls with `next()` and ends it with `return()`.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: { resolve(r: IteratorResult<T>): void; reject(err: unknown): void } | null = null;
  private ended = false;
  private error: unknown = undefined;

  /**
   * @param onEnd called once when the stream ends, whoever ends it.
   * @param maxBuffered events waiting for a consumer that is this far behind end the stream.
   */
  constructor(private readonly onEnd: () => void, private readonly maxBuffered = 256) {}

  get done(): boolean {
    return this.ended;
  }

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value, done: false });
    } else if (this.buffer.length >= this.maxBuffered) {
      this.end(appError(ErrorCode.SERVICE_UNAVAILABLE, "The subscriber fell too far behind the live stream; subscribe again"));
    } else {
      this.buffer.push(value);
    }
  }

  /** Ends the stream; what is buffered is still delivered, then the error (if any) is thrown. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.onEnd();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.settle(w);
    }
  }

  private settle(w: { resolve(r: IteratorResult<T>): void; reject(err: unknown): void }): void {
    if (this.error !== undefined) {
      const err = this.error;
      this.error = undefined;
      w.reject(err);
    } else {
      w.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    return new Promise((resolve, reject) => {
      if (this.ended) this.settle({ resolve, reject });
      else this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** What the hub needs of a listener: the organization whose events it may get. */
export interface HubListener {
  readonly organizationId: string;
}

interface Topic<L extends HubListener> {
  listeners: Set<L>;
  source: AsyncIterator<QueueEvent>;
}

/**
 * One subscription to the event bus per topic and gateway, however many local streams listen
 * on it (a team's queue has hundreds of watchers on one gateway): each event is handed to the
 * topic's listeners of its organization together, in one call, so that their principals can be
 * reloaded in one batch. A topic's events are delivered one after another, in order.
 */
export class LiveHub<L extends HubListener> {
  private readonly topics = new Map<string, Topic<L>>();

  constructor(private readonly bus: EventBus, private readonly deliver: (event: QueueEvent, listeners: L[]) => Promise<void>) {}

  attach(topic: string, listener: L): void {
    let t = this.topics.get(topic);
    if (!t) {
      t = { listeners: new Set(), source: this.bus.subscribe(topic)[Symbol.asyncIterator]() };
      this.topics.set(topic, t);
      void this.pump(t);
    }
    t.listeners.add(listener);
  }

  detach(topic: string, listener: L): void {
    const t = this.topics.get(topic);
    if (!t) return;
    t.listeners.delete(listener);
    if (t.listeners.size === 0) {
      this.topics.delete(topic);
      void t.source.return?.();
    }
  }

  private async pump(t: Topic<L>): Promise<void> {
    // Read the bus at once (its buffer is bounded), deliver in order.
    let delivered = Promise.resolve();
    for (;;) {
      const next = await t.source.next();
      if (next.done) return;
      const event = next.value;
      delivered = delivered.then(() => {
        const listeners = [...t.listeners].filter((l) => l.organizationId === event.organizationId);
        return listeners.length > 0 ? this.deliver(event, listeners) : undefined;
      }).catch(() => undefined); // deliver settles each listener itself; nothing may stop the topic
    }
  }
}
