import type { Context } from "../context";
import { TemplateStatus } from "../entities/enums";
import { Template } from "../entities/Template";
import { badInput } from "../errors";
import { canApproveTemplate } from "../permissions/policy";
import { specFor } from "./actions";
import { FOUR_EYES } from "./approveTemplate";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import { loadTemplate, transitionTemplate } from "./templateTarget";

/** A second admin sends a pending template back with a reason its author can act on. */
export function rejectTemplate(ctx: Context, id: string, rawReason: string): Promise<Template> {
  const reason = rawReason.trim();
  if (reason.length < 1 || reason.length > 500) throw badInput("reason is required, at most 500 characters", "reason");
  return runCommand(ctx, specFor("rejectTemplate", { id }), async (manager) => {
    const before = await loadTemplate(manager, ctx.principal.organizationId, id);
    if (!canApproveTemplate(ctx.principal, before)) throw refuseForbidden(null, FOUR_EYES);
    if (before.status !== TemplateStatus.PENDING_APPROVAL) {
      throw refuseConflict(null, `A ${before.status} template cannot be rejected; only PENDING_APPROVAL ones can`);
    }
    const after = await transitionTemplate(manager, before, TemplateStatus.REJECTED, { rejectionReason: reason }, ctx.principal.id, reason, ctx.now());
    return {
      result: after, teamId: null,
      before: { status: before.status, rejectionReason: before.rejectionReason }, after: { status: after.status, rejectionReason: reason },
    };
  });
}
