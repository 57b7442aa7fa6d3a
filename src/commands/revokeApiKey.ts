import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { ApiKey } from "../entities/ApiKey";
import { notFound } from "../errors";
import { canManageApiKeys } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * An ADMIN revokes a key: its next request is UNAUTHENTICATED (keys are loaded per request).
 * Revoking twice is a CONFLICT, so the first revocation's time and actor stay on record.
 */
export function revokeApiKey(ctx: Context, id: string): Promise<ApiKey> {
  return runCommand(ctx, specFor("revokeApiKey", { id }), async (manager) => {
    const key = isId(id) ? await manager.findOne(ApiKey, { where: { id, organizationId: ctx.principal.organizationId } }) : null;
    if (!key) throw notFound("API key not found");
    if (!canManageApiKeys(ctx.principal)) throw refuseForbidden(null);
    if (key.revokedAt) throw refuseConflict(null, "The API key is already revoked");
    const now = ctx.now();
    const revoked = await manager.createQueryBuilder().update(ApiKey).set({ revokedAt: now })
      .where("id = :id AND revokedAt IS NULL", { id: key.id }).execute();
    if (revoked.affected !== 1) throw refuseConflict(null, "The API key is already revoked");
    return {
      result: Object.assign(new ApiKey(), key, { revokedAt: now }), teamId: null,
      before: { revokedAt: null }, after: { revokedAt: now.toISOString() },
    };
  });
}
