import { EntityManager } from "typeorm";
import { AuditEntry } from "../entities/AuditEntry";
import { AuditHead } from "../entities/AuditHead";
import { entryHash, GENESIS_HASH } from "./hashChain";

/** The result of walking one organization's chain. */
export type ChainReport =
  | { ok: true; organizationId: string; entries: number }
  | { ok: false; organizationId: string; entries: number; brokenAt: { seq: number; id: string | null; problem: string } };

const PAGE = 1000;

/**
 * Walks an organization's entries in sequence order and reports the first one whose sequence,
 * link or hash does not hold, and a head that does not match the last entry (a truncated tail).
 */
export async function verifyChain(manager: EntityManager, organizationId: string): Promise<ChainReport> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await manager.createQueryBuilder(AuditEntry, "a")
      .where("a.organizationId = :org AND a.seq >= :from", { org: organizationId, from: expectedSeq })
      .orderBy("a.seq", "ASC").take(PAGE).getMany();
    for (const e of rows) {
      const broken = (problem: string): ChainReport => ({ ok: false, organizationId, entries: expectedSeq - 1, brokenAt: { seq: e.seq, id: e.id, problem } });
      if (e.seq !== expectedSeq) return { ok: false, organizationId, entries: expectedSeq - 1, brokenAt: { seq: expectedSeq, id: null, problem: "missing entry" } };
      if (e.prevHash !== prevHash) return broken("prevHash does not match the previous entry");
      if (entryHash(e) !== e.hash) return broken("content does not match its hash");
      prevHash = e.hash;
      expectedSeq++;
    }
    if (rows.length < PAGE) break;
  }
  const head = await manager.findOne(AuditHead, { where: { organizationId } });
  const count = expectedSeq - 1;
  if (head && (head.seq !== count || head.hash !== prevHash)) {
    return { ok: false, organizationId, entries: count, brokenAt: { seq: count + 1, id: null, problem: `chain head is at ${head.seq} but the entries end at ${count}` } };
  }
  return { ok: true, organizationId, entries: count };
}
