import { EntityManager } from "typeorm";
import { loadApiKeyPrincipal, loadUserPrincipal } from "./loadPrincipal";
import { ApiKeyPrincipal, UserPrincipal } from "./principal";
import { verifyUserToken } from "./tokens";

/** The outcome of reading credentials; failures carry no detail, so nothing leaks to the caller. */
export type Authentication =
  | { ok: true; principal: UserPrincipal | ApiKeyPrincipal; expiresAt: number | null }
  | { ok: false };

/**
 * Resolves an `Authorization` value (`Bearer <jwt>` or `ApiKey <id>.<secret>`) to a principal
 * loaded from the database. Used by HTTP and WebSocket alike.
 */
export async function authenticate(manager: EntityManager, jwtSecret: Uint8Array, header: unknown): Promise<Authentication> {
  if (typeof header !== "string") return { ok: false };
  const [scheme, credential, extra] = header.trim().split(/\s+/);
  if (!credential || extra !== undefined) return { ok: false };
  if (scheme.toLowerCase() === "bearer") {
    const token = await verifyUserToken(jwtSecret, credential);
    const principal = token && (await loadUserPrincipal(manager, token.userId));
    return principal ? { ok: true, principal, expiresAt: token.expiresAt } : { ok: false };
  }
  if (scheme.toLowerCase() === "apikey") {
    const dot = credential.indexOf(".");
    if (dot <= 0) return { ok: false };
    const principal = await loadApiKeyPrincipal(manager, credential.slice(0, dot), credential.slice(dot + 1));
    return principal ? { ok: true, principal, expiresAt: null } : { ok: false };
  }
  return { ok: false };
}
