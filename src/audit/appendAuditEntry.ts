import { EntityManager } from "typeorm";
import { newId } from "../entities/columns";
import { AuditEntry } from "../entities/AuditEntry";
import { AuditHead } from "../entities/AuditHead";
import { ActorType, AuditOutcome, Role } from "../entities/enums";
import { entryHash, GENESIS_HASH } from "./hashChain";

/** What a caller says about one audited event; the chain fields are added here. */
export interface AuditInput {
  organizationId: string;
  teamId: string | null;
  actorType: ActorType;
  actorId: string | null;
  actorRole: Role | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: AuditOutcome;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
}

/** Reads the organization's chain head, locking it for the rest of the transaction on MySQL. */
function lockHead(manager: EntityManager, organizationId: string): Promise<AuditHead | null> {
  const qb = manager.createQueryBuilder(AuditHead, "h").where("h.organizationId = :org", { org: organizationId });
  if (manager.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * Creates an organization's chain head if it is missing. Call it outside the writing
 * transaction: INSERT IGNORE takes a shared lock on an existing row, and two transactions that
 * then both ask for the exclusive lock deadlock.
 */
export async function ensureAuditHead(manager: EntityManager, organizationId: string): Promise<void> {
  await manager.createQueryBuilder().insert().into(AuditHead)
    .values({ organizationId, seq: 0, hash: GENESIS_HASH }).orIgnore().execute();
}

const clip = (s: string | null, n: number): string | null => (s === null ? null : s.slice(0, n));

/**
 * Appends one entry to its organization's chain inside the caller's transaction. The head row of
 * the organization is locked (FOR UPDATE on MySQL; SQLite runs one transaction at a time), so
 * concurrent writers of one organization take turns while other organizations never wait.
 */
export async function appendAuditEntry(manager: EntityManager, input: AuditInput): Promise<AuditEntry> {
  let head = await lockHead(manager, input.organizationId);
  if (!head) {
    // First entry of the organization: create its head, then lock it like any other writer.
    await ensureAuditHead(manager, input.organizationId);
    head = await lockHead(manager, input.organizationId);
    if (!head) throw new Error("audit head could not be created");
  }

  const entry = manager.create(AuditEntry, {
    id: newId(),
    organizationId: input.organizationId,
    seq: head.seq + 1,
    teamId: input.teamId,
    actorType: input.actorType,
    actorId: input.actorId,
    actorRole: input.actorRole,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    outcome: input.outcome,
    before: input.before ? JSON.stringify(input.before) : null,
    after: input.after ? JSON.stringify(input.after) : null,
    requestId: clip(input.requestId, 64),
    ipAddress: clip(input.ipAddress, 64),
    userAgent: clip(input.userAgent, 255),
    createdAt: new Date(Math.floor(input.createdAt.getTime())),
    prevHash: head.hash,
    hash: "",
  });
  entry.hash = entryHash(entry);
  await manager.insert(AuditEntry, entry);
  await manager.update(AuditHead, { organizationId: input.organizationId }, { seq: entry.seq, hash: entry.hash });
  return entry;
}
