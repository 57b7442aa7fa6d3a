import type { Context } from "../context";
import { TemplateStatus } from "../entities/enums";
import { Template } from "../entities/Template";
import { canArchiveTemplate } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { loadTemplate, transitionTemplate } from "./templateTarget";

/** An admin retires a template from any status: it is never sent or edited again, its history stays. */
export function archiveTemplate(ctx: Context, id: string): Promise<Template> {
  return runCommand(ctx, specFor("archiveTemplate", { id }), async (manager) => {
    if (!canArchiveTemplate(ctx.principal)) throw refuseForbidden(null);
    const before = await loadTemplate(manager, ctx.principal.organizationId, id);
    if (before.status === TemplateStatus.ARCHIVED) throw refuseConflict(null, "The template is already archived");
    const after = await transitionTemplate(manager, before, TemplateStatus.ARCHIVED, {}, ctx.principal.id, null, ctx.now());
    return { result: after, teamId: null, before: { status: before.status }, after: { status: after.status } };
  });
}
