import { Not } from "typeorm";
import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { ConversationStatus } from "../entities/enums";
import { User } from "../entities/User";
import { canAdministerUser } from "../permissions/policy";
import { specFor } from "./actions";
import { checkAdminChange, lockActiveAdmins } from "./activeAdmins";
import { loadTargetUser } from "./peopleTargets";
import { refuseConflict, refuseForbidden } from "./refusals";
import { returnToQueue } from "./returnToQueue";
import { runCommand } from "./runCommand";

/** Why conversations go back to the queue when their assignee is deactivated. */
export const DEACTIVATION_REASON = "assignee deactivated";

/**
 * An ADMIN deactivates another user: their next request is UNAUTHENTICATED, and every unresolved
 * conversation assigned to them goes back to its team queue, each change recorded on its own.
 * Memberships stay, so the user's history still reads correctly.
 */
export function deactivateUser(ctx: Context, userId: string): Promise<User> {
  return runCommand(ctx, specFor("deactivateUser", { userId }), async (manager) => {
    const admins = await lockActiveAdmins(manager, ctx.principal.organizationId);
    const before = await loadTargetUser(manager, ctx, userId);
    if (!canAdministerUser(ctx.principal, before)) throw refuseForbidden(null, "You cannot deactivate yourself");
    if (!before.active) throw refuseConflict(null, "The user is already deactivated");
    checkAdminChange(ctx, admins, before, true);
    const updated = await manager.createQueryBuilder().update(User).set({ active: false })
      .where("id = :id AND active = :active", { id: before.id, active: true }).execute();
    if (updated.affected !== 1) throw refuseConflict(null, "The user changed; reload and try again");
    const open = await manager.find(Conversation, {
      where: { organizationId: before.organizationId, assigneeId: before.id, status: Not(ConversationStatus.RESOLVED) },
      order: { createdAt: "ASC", id: "ASC" },
    });
    const events = await returnToQueue(manager, ctx, open, DEACTIVATION_REASON);
    return {
      result: Object.assign(new User(), before, { active: false }), teamId: null,
      before: { active: true }, after: { active: false, returnedToQueue: open.map((c) => c.id) },
      events,
    };
  });
}
