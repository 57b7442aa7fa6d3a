import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import { loadUserPrincipals, reloadPrincipal } from "../auth/loadPrincipal";
import type { Database } from "../db";

type Live = UserPrincipal | ApiKeyPrincipal;

/** How long the principals loaded for one event stay shared between its subscribers. */
const FAN_OUT_MS = 2000;

interface Pending {
  principal: Live;
  promise: Promise<Live | null>;
  resolve(p: Live | null): void;
  reject(err: unknown): void;
}

/**
 * Reloads subscribers' principals before each event. Within one event's fan-out the same
 * principal is loaded once, however many of its streams receive the event; and the reloads
 * asked for in the same turn of the event loop (every subscriber of an event asks in the turn
 * the event is published) go to the database together: users in two queries per 500.
 */
export class PrincipalReloader {
  private readonly byEvent = new Map<string, Map<string, Promise<Live | null>>>();
  private pending = new Map<string, Pending>();

  constructor(private readonly db: Database) {}

  load(eventId: string, p: Live): Promise<Live | null> {
    let loaded = this.byEvent.get(eventId);
    if (!loaded) {
      loaded = new Map();
      this.byEvent.set(eventId, loaded);
      setTimeout(() => this.byEvent.delete(eventId), FAN_OUT_MS).unref();
    }
    const key = `${p.kind}:${p.id}`;
    let found = loaded.get(key);
    if (!found) {
      found = this.batched(key, p);
      loaded.set(key, found);
    }
    return found;
  }

  private batched(key: string, principal: Live): Promise<Live | null> {
    const queued = this.pending.get(key);
    if (queued) return queued.promise;
    if (this.pending.size === 0) setImmediate(() => void this.flush());
    let resolve!: Pending["resolve"], reject!: Pending["reject"];
    const promise = new Promise<Live | null>((res, rej) => { resolve = res; reject = rej; });
    this.pending.set(key, { principal, promise, resolve, reject });
    return promise;
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const users = batch.filter((b) => b.principal.kind === "USER");
    // API keys are few and rarely live; they reload one by one.
    for (const b of batch) if (b.principal.kind === "API_KEY") reloadPrincipal(this.db.manager, b.principal).then(b.resolve, b.reject);
    if (users.length === 0) return;
    try {
      const loaded = await loadUserPrincipals(this.db.manager, users.map((b) => b.principal.id));
      for (const b of users) b.resolve(loaded.get(b.principal.id) ?? null);
    } catch (err) {
      for (const b of users) b.reject(err);
    }
  }
}
