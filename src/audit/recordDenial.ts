import type { Context } from "../context";
import { AuditOutcome } from "../entities/enums";
import { actorOf } from "./actor";
import { appendAuditEntry } from "./appendAuditEntry";
import { ensureHeadOnce } from "./ensureHeadOnce";
import type { CommandSpec } from "../commands/runCommand";

/** Records a refused or conflicting attempt in a transaction of its own, so it is durable. */
export async function recordRefusal(ctx: Context, spec: CommandSpec, outcome: AuditOutcome, teamId: string | null, reason: string): Promise<void> {
  await ensureHeadOnce(ctx.db, ctx.principal.organizationId);
  await ctx.db.transaction((manager) => appendAuditEntry(manager, {
    organizationId: ctx.principal.organizationId, teamId, ...actorOf(ctx.principal), action: spec.action,
    targetType: spec.targetType, targetId: spec.targetId, outcome, before: null, after: { reason },
    requestId: ctx.requestId, ipAddress: ctx.ip, userAgent: ctx.userAgent, createdAt: ctx.now(),
  }));
}
