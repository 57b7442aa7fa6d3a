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
 * The head this process last moved, per database and organization: a guess that saves reading
 * the head before every entry. It is only ever a guess: the head is moved by compare-and-set on
 * (seq, hash), so a guess made stale by another process, or by a transaction that rolled back,
 * moves nothing, and the head is then read (and locked) as before.
 */
const headGuesses = new WeakMap<object, Map<string, { seq: number; hash: string }>>();

function guessesFor(manager: EntityManager): Map<string, { seq: number; hash: string }> {
  let guesses = headGuesses.get(manager.connection);
  if (!guesses) headGuesses.set(manager.connection, (guesses = new Map()));
  return guesses;
}

function buildEntry(manager: EntityManager, input: AuditInput, head: { seq: number; hash: string }): AuditEntry {
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
  return entry;
}

/**
 * Appends one entry to its organization's chain inside the caller's transaction. The head row
 * moves by compare-and-set from the head this entry links to (an UPDATE locks the row on MySQL;
 * SQLite runs one transaction at a time), so concurrent writers of one organization take turns
 * while other organizations never wait. The head is read (FOR UPDATE on MySQL) only when this
 * process has no current guess of it: the first entry, or after another writer moved it.
 */
export async function appendAuditEntry(manager: EntityManager, input: AuditInput): Promise<AuditEntry> {
  const guesses = guessesFor(manager);
  let head: { seq: number; hash: string } | null = guesses.get(input.organizationId) ?? null;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!head) head = await readHead(manager, input.organizationId);
    const entry = buildEntry(manager, input, head);
    const moved = await manager.createQueryBuilder().update(AuditHead)
      .set({ seq: entry.seq, hash: entry.hash })
      .where("organizationId = :org AND seq = :seq AND hash = :hash", { org: input.organizationId, seq: head.seq, hash: head.hash })
      .execute();
    if (moved.affected === 1) {
      await manager.insert(AuditEntry, entry);
      guesses.set(input.organizationId, { seq: entry.seq, hash: entry.hash });
      return entry;
    }
    guesses.delete(input.organizationId);
    head = null; // stale guess (or a head moved since it was read): read it, locked, and link to that
  }
  throw new Error("audit head kept moving while locked");
}

/** The organization's head, locked for the rest of the transaction on MySQL; created when missing. */
async function readHead(manager: EntityManager, organizationId: string): Promise<{ seq: number; hash: string }> {
  let head = await lockHead(manager, organizationId);
  if (!head) {
    // First entry of the organization: create its head, then lock it like any other writer.
    await ensureAuditHead(manager, organizationId);
    head = await lockHead(manager, organizationId);
    if (!head) throw new Error("audit head could not be created");
  }
  return { seq: head.seq, hash: head.hash };
}
