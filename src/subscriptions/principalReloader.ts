import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import { reloadPrincipal } from "../auth/loadPrincipal";
import type { Database } from "../db";

type Live = UserPrincipal | ApiKeyPrincipal;

/** How long the principals loaded for one event stay shared between its subscribers. */
const FAN_OUT_MS = 2000;

/**
 * Reloads subscribers' principals before each event. Within one event's fan-out the same
 * principal is loaded once, however many of its streams receive the event.
 */
export class PrincipalReloader {
  private readonly byEvent = new Map<string, Map<string, Promise<Live | null>>>();

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
      found = reloadPrincipal(this.db.manager, p);
      loaded.set(key, found);
    }
    return found;
  }
}
