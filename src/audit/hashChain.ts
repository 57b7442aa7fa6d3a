import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { AuditEntry } from "../entities/AuditEntry";

/** The prevHash of an organization's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields an entry's hash covers: all of it, including the link to its predecessor. */
export type HashedFields = Omit<AuditEntry, "hash">;

/**
 * SHA-256 over the RFC 8785 canonical JSON of the entry, so the same entry hashes the same on
 * every database and in every process. Times are hashed at millisecond precision, which both
 * SQLite and MySQL `datetime(3)` keep.
 */
export function entryHash(e: HashedFields): string {
  const canonical = canonicalize({
    id: e.id, organizationId: e.organizationId, seq: e.seq, teamId: e.teamId, actorType: e.actorType, actorId: e.actorId,
    actorRole: e.actorRole, action: e.action, targetType: e.targetType, targetId: e.targetId, outcome: e.outcome,
    before: e.before, after: e.after, requestId: e.requestId, ipAddress: e.ipAddress, userAgent: e.userAgent,
    createdAt: e.createdAt.toISOString(), prevHash: e.prevHash,
  });
  return createHash("sha256").update(canonical ?? "").digest("hex");
}
