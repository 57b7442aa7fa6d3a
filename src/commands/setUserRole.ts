import type { Context } from "../context";
import { Role } from "../entities/enums";
import { User } from "../entities/User";
import { canAdministerUser } from "../permissions/policy";
import { specFor } from "./actions";
import { checkAdminChange, lockActiveAdmins } from "./activeAdmins";
import { loadTargetUser } from "./peopleTargets";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * An ADMIN changes another user's role; never their own, and never the last active ADMIN's.
 * The new role applies from the user's next request (principals are loaded per request).
 */
export function setUserRole(ctx: Context, userId: string, role: Role): Promise<User> {
  return runCommand(ctx, specFor("setUserRole", { userId }), async (manager) => {
    const admins = await lockActiveAdmins(manager, ctx.principal.organizationId);
    const before = await loadTargetUser(manager, ctx, userId);
    if (!canAdministerUser(ctx.principal, before)) throw refuseForbidden(null, "You cannot change your own role");
    if (before.role === role) throw refuseConflict(null, `The user is already ${role}`);
    checkAdminChange(ctx, admins, before, before.role === Role.ADMIN);
    await manager.update(User, { id: before.id }, { role });
    return {
      result: Object.assign(new User(), before, { role }), teamId: null,
      before: { role: before.role }, after: { role },
    };
  });
}
