import type { Context } from "../context";
import { TemplateStatus } from "../entities/enums";
import { Template } from "../entities/Template";
import { canSubmitTemplate, isTemplateEditable } from "../permissions/policy";
import { templateVisible } from "../permissions/scopes";
import { specFor } from "./actions";
import { refuseConflict, refuseForbidden, refuseHidden } from "./refusals";
import { runCommand } from "./runCommand";
import { loadTemplate, transitionTemplate } from "./templateTarget";

/** Its author or a supervisor asks for approval: DRAFT or REJECTED → PENDING_APPROVAL. */
export function submitTemplate(ctx: Context, id: string): Promise<Template> {
  return runCommand(ctx, specFor("submitTemplate", { id }), async (manager) => {
    const before = await loadTemplate(manager, ctx.principal.organizationId, id);
    if (!canSubmitTemplate(ctx.principal, before)) {
      // An agent does not see templates that are not approved for their teams: answered like a missing one.
      throw templateVisible(ctx.principal, before) ? refuseForbidden(null) : refuseHidden(null, "Template not found");
    }
    if (!isTemplateEditable(before)) throw refuseConflict(null, `A ${before.status} template cannot be submitted; only DRAFT and REJECTED ones can`);
    const after = await transitionTemplate(manager, before, TemplateStatus.PENDING_APPROVAL,
      { rejectionReason: null, approvedById: null }, ctx.principal.id, null, ctx.now());
    return {
      result: after, teamId: null,
      before: { status: before.status, rejectionReason: before.rejectionReason }, after: { status: after.status, rejectionReason: null },
    };
  });
}
