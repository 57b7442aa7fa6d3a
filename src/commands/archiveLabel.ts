import type { Context } from "../context";
import { Label } from "../entities/Label";
import { canManageLabels } from "../permissions/policy";
import { specFor } from "./actions";
import { loadLabel } from "./labelTarget";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * A supervisor retires a label: it can no longer be applied, but stays on the conversations
 * that have it (and can still be removed from them). Archiving it twice is a CONFLICT.
 */
export function archiveLabel(ctx: Context, id: string): Promise<Label> {
  return runCommand(ctx, specFor("archiveLabel", { id }), async (manager) => {
    if (!canManageLabels(ctx.principal)) throw refuseForbidden(null);
    const before = await loadLabel(manager, ctx, id, true);
    if (before.archived) throw refuseConflict(null, "The label is already archived");
    await manager.update(Label, { id: before.id }, { archived: true });
    const after = Object.assign(new Label(), before, { archived: true });
    return { result: after, teamId: null, before: { archived: false }, after: { archived: true } };
  });
}
