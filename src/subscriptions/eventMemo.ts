/**
 * Work shared by every subscriber of one event (the conversation row, a team's snapshot for a
 * given reach): computed once per event and key, forgotten after the fan-out.
 */
export class EventMemo {
  private readonly byEvent = new Map<string, Map<string, Promise<unknown>>>();

  constructor(private readonly ttlMs = 2000) {}

  get<T>(eventId: string, key: string, compute: () => Promise<T>): Promise<T> {
    let memo = this.byEvent.get(eventId);
    if (!memo) {
      memo = new Map();
      this.byEvent.set(eventId, memo);
      setTimeout(() => this.byEvent.delete(eventId), this.ttlMs).unref();
    }
    let found = memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = compute();
      memo.set(key, found);
    }
    return found;
  }
}
