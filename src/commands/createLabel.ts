import type { Context } from "../context";
import { newId } from "../entities/columns";
import { Label } from "../entities/Label";
import { canManageLabels } from "../permissions/policy";
import { specFor } from "./actions";
import { duplicateNameAsBadInput, labelColor, labelName, requireUniqueName } from "./labelTarget";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/** A supervisor adds a label to the organization's governed taxonomy (organization-wide: no team in the audit). */
export function createLabel(ctx: Context, rawName: string, rawColor: string): Promise<Label> {
  const { name, nameKey } = labelName(rawName);
  const color = labelColor(rawColor);
  return runCommand(ctx, specFor("createLabel", {}), async (manager) => {
    if (!canManageLabels(ctx.principal)) throw refuseForbidden(null);
    await requireUniqueName(manager, ctx.principal.organizationId, nameKey);
    const label = manager.create(Label, {
      id: newId(), organizationId: ctx.principal.organizationId, name, nameKey, color, archived: false, createdAt: ctx.now(),
    });
    await manager.insert(Label, label);
    return { result: label, teamId: null, targetId: label.id, before: null, after: { name, color, archived: false } };
  }).catch(duplicateNameAsBadInput);
}
