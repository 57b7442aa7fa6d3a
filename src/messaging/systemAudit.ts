import { EntityManager } from "typeorm";
import { actorOf } from "../audit/actor";
import { appendAuditEntry, AuditInput } from "../audit/appendAuditEntry";
import type { SystemPrincipal } from "../auth/principal";
import { AuditOutcome } from "../entities/enums";

/** What the gateway itself records about one change it made (webhook ingest, outbox delivery). */
export type SystemAuditInput = Omit<AuditInput, "organizationId" | "actorType" | "actorId" | "actorRole" | "outcome">;

/** Appends an entry by the system principal (actor type SYSTEM) inside the caller's transaction. */
export function appendSystemEntry(manager: EntityManager, principal: SystemPrincipal, input: SystemAuditInput): Promise<unknown> {
  return appendAuditEntry(manager, {
    organizationId: principal.organizationId, ...actorOf(principal), outcome: AuditOutcome.SUCCESS, ...input,
  });
}
