import type { Context } from "../context";
import { Label } from "../entities/Label";
import { canManageLabels } from "../permissions/policy";
import { specFor } from "./actions";
import { duplicateNameAsBadInput, labelName, loadLabel, requireUniqueName } from "./labelTarget";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * A supervisor renames a label (archived ones too); names stay unique per organization in any
 * case, though a label may change the case of its own name. The same name again is a CONFLICT.
 */
export function renameLabel(ctx: Context, id: string, rawName: string): Promise<Label> {
  const { name, nameKey } = labelName(rawName);
  return runCommand(ctx, specFor("renameLabel", { id }), async (manager) => {
    if (!canManageLabels(ctx.principal)) throw refuseForbidden(null);
    const before = await loadLabel(manager, ctx, id, true);
    if (before.name === name) throw refuseConflict(null, "The label already has that name");
    await requireUniqueName(manager, before.organizationId, nameKey, before.id);
    await manager.update(Label, { id: before.id }, { name, nameKey });
    const after = Object.assign(new Label(), before, { name, nameKey });
    return { result: after, teamId: null, before: { name: before.name }, after: { name } };
  }).catch(duplicateNameAsBadInput);
}
