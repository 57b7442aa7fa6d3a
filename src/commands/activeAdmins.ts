import { EntityManager } from "typeorm";
import type { Context } from "../context";
import { Role } from "../entities/enums";
import { User } from "../entities/User";
import { keepsAnActiveAdmin } from "../permissions/policy";
import { refuseConflict, refuseForbidden } from "./refusals";

/**
 * Locks the organization's ADMIN rows (FOR UPDATE on MySQL; SQLite runs one transaction at a
 * time) and returns the ids of the active ones as they are once the lock is held. Two admins
 * demoting or deactivating each other at once therefore take turns, and the second sees the
 * first's change. Call it before any other read in the transaction, so later plain reads on
 * MySQL see the state after the lock too.
 */
export async function lockActiveAdmins(manager: EntityManager, organizationId: string): Promise<string[]> {
  const qb = manager.createQueryBuilder(User, "u").select(["u.id", "u.active"])
    .where("u.organizationId = :org AND u.role = :role", { org: organizationId, role: Role.ADMIN })
    .orderBy("u.id");
  if (manager.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return (await qb.getMany()).filter((u) => u.active).map((u) => u.id);
}

/**
 * The checks an admin change of `target` makes under the lock: the organization keeps an active
 * ADMIN if `removesAdmin` (CONFLICT), and the actor is still an active ADMIN (FORBIDDEN; their
 * principal was loaded before a concurrent change could demote them).
 */
export function checkAdminChange(ctx: Context, activeAdminIds: readonly string[], target: User, removesAdmin: boolean): void {
  if (removesAdmin && activeAdminIds.includes(target.id) && !keepsAnActiveAdmin(activeAdminIds, target.id)) {
    throw refuseConflict(null, "The organization must keep at least one active ADMIN");
  }
  if (!activeAdminIds.includes(ctx.principal.id)) throw refuseForbidden(null);
}
