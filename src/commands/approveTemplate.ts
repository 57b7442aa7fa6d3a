import type { Context } from "../context";
import { TemplateStatus } from "../entities/enums";
import { Template } from "../entities/Template";
import { canApproveTemplate } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { loadTemplate, transitionTemplate } from "./templateTarget";

/** The message of a four-eyes refusal. */
export const FOUR_EYES = "Four eyes: an admin who is neither the template's author nor its last editor must review it";

/** A second admin approves a pending template (four eyes): it may now be sent, also outside the window. */
export function approveTemplate(ctx: Context, id: string): Promise<Template> {
  return runCommand(ctx, specFor("approveTemplate", { id }), async (manager) => {
    const before = await loadTemplate(manager, ctx.principal.organizationId, id);
    if (!canApproveTemplate(ctx.principal, before)) throw refuseForbidden(null, FOUR_EYES);
    if (before.status !== TemplateStatus.PENDING_APPROVAL) {
      throw refuseConflict(null, `A ${before.status} template cannot be approved; only PENDING_APPROVAL ones can`);
    }
    const after = await transitionTemplate(manager, before, TemplateStatus.APPROVED, { approvedById: ctx.principal.id }, ctx.principal.id, null, ctx.now());
    return {
      result: after, teamId: null,
      before: { status: before.status, approvedById: null }, after: { status: after.status, approvedById: ctx.principal.id },
    };
  });
}
