/**
 * Work shared by every subscriber of one event (the conversation row, a team's snapshot for a
 * given reach, a loader set): computed once per event and key, forgotten after the fan-out.
 */
export class EventMemo {
  private readonly byEvent = new Map<string, Map<string, unknown>>();

  constructor(private readonly ttlMs = 2000) {}

  get<T>(eventId: string, key: string, compute: () => Promise<T>): Promise<T> {
    return this.value(eventId, key, compute);
  }

  /** The same for work that is synchronous (e.g. a loader set shared by the subscribers). */
  value<T>(eventId: string, key: string, compute: () => T): T {
    let memo = this.byEvent.get(eventId);
    if (!memo) {
      memo = new Map();
      this.byEvent.set(eventId, memo);
      setTimeout(() => this.byEvent.delete(eventId), this.ttlMs).unref();
    }
    if (!memo.has(key)) memo.set(key, compute());
    return memo.get(key) as T;
  }
}
