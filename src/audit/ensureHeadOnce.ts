import type { Database } from "../db";
import { ensureAuditHead } from "./appendAuditEntry";

const headsKnown = new WeakMap<Database, Set<string>>();

/**
 * Makes sure an organization's audit head exists, once per database and organization, outside
 * any transaction (see ensureAuditHead). Commands, refusals and system writers all call this.
 */
export async function ensureHeadOnce(db: Database, organizationId: string): Promise<void> {
  const known = headsKnown.get(db) ?? new Set<string>();
  headsKnown.set(db, known);
  if (known.has(organizationId)) return;
  await ensureAuditHead(db.manager, organizationId);
  known.add(organizationId);
}
