import { EntityManager } from "typeorm";
import { actorOf } from "../audit/actor";
import { appendAuditEntry, ensureAuditHead } from "../audit/appendAuditEntry";
import type { SystemPrincipal } from "../auth/principal";
import type { Database } from "../db";
import { AuditOutcome } from "../entities/enums";

/** What the gateway itself records about one change it made (webhook ingest, outbox delivery). */
export interface SystemAuditInput {
  teamId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
}

/** Appends an entry by the system principal (actor type SYSTEM) inside the caller's transaction. */
export function appendSystemEntry(manager: EntityManager, principal: SystemPrincipal, input: SystemAuditInput): Promise<unknown> {
  return appendAuditEntry(manager, {
    organizationId: principal.organizationId, ...actorOf(principal), outcome: AuditOutcome.SUCCESS, ...input,
  });
}

const headsKnown = new WeakMap<Database, Set<string>>();

/** Creates an organization's audit head once per database, outside any transaction (see ensureAuditHead). */
export async function ensureSystemHead(db: Database, organizationId: string): Promise<void> {
  const known = headsKnown.get(db) ?? new Set<string>();
  headsKnown.set(db, known);
  if (known.has(organizationId)) return;
  await ensureAuditHead(db.manager, organizationId);
  known.add(organizationId);
}
