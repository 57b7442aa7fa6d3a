import type { Context } from "../context";
import { ensureAuditHead } from "./appendAuditEntry";

const headsKnown = new WeakMap<object, Set<string>>();

/** Makes sure the organization's audit head exists, once per database and organization. */
export async function ensureHeadOnce(ctx: Context): Promise<void> {
  const known = headsKnown.get(ctx.db) ?? new Set<string>();
  headsKnown.set(ctx.db, known);
  if (known.has(ctx.principal.organizationId)) return;
  await ensureAuditHead(ctx.db.manager, ctx.principal.organizationId);
  known.add(ctx.principal.organizationId);
}
