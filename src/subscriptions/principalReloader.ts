import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import { loadUserPrincipals, reloadPrincipal } from "../auth/loadPrincipal";
import type { Database } from "../db";

type Live = UserPrincipal | ApiKeyPrincipal;

/** How a principal is named among reloaded ones. */
export const principalKey = (p: Live): string => `${p.kind}:${p.id}`;

/** A principal to reload, with its `principalKey` (callers that hold it for long compute it once). */
export interface Reload { key: string; principal: Live }

interface Pending {
  reloads: readonly Reload[];
  resolve(loaded: Map<string, Live | null>): void;
  reject(err: unknown): void;
}

/**
 * Reloads subscribers' principals before each event, as they are now (role, teams, active,
 * scopes, revocation). The streams of one event ask together, and every reload asked for in the
 * same turn of the event loop goes to the database together: users in one query per 500, each
 * principal once however many of its streams receive the event.
 */
export class PrincipalReloader {
  private pending: Pending[] = [];

  constructor(private readonly db: Database) {}

  /** The principals as they are now, by `principalKey`; null for those gone (deactivated, revoked, deleted). */
  loadAll(reloads: readonly Reload[]): Promise<Map<string, Live | null>> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ reloads, resolve, reject });
    });
  }

  /** One principal as it is now, or null. */
  async load(p: Live): Promise<Live | null> {
    const key = principalKey(p);
    return (await this.loadAll([{ key, principal: p }])).get(key) ?? null;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const unique = new Map<string, Live>();
      for (const b of batch) for (const r of b.reloads) unique.set(r.key, r.principal);
      const userIds: string[] = [];
      for (const p of unique.values()) if (p.kind === "USER") userIds.push(p.id);
      const users = userIds.length > 0 ? await loadUserPrincipals(this.db.manager, userIds) : new Map<string, UserPrincipal>();
      const loaded = new Map<string, Live | null>();
      for (const [key, p] of unique) {
        // API keys are few and rarely live; they reload one by one.
        loaded.set(key, p.kind === "USER" ? users.get(p.id) ?? null : await reloadPrincipal(this.db.manager, p));
      }
      for (const b of batch) b.resolve(loaded);
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
