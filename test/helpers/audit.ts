import { MoreThan } from "typeorm";
import { AuditEntry } from "../../src/entities/AuditEntry";
import type { TestApp } from "./testApp";

/** An audit entry as tests compare it: before/after parsed. */
export interface AuditView {
  seq: number; action: string; outcome: string; actorType: string; actorId: string | null; actorRole: string | null;
  teamId: string | null; targetType: string; targetId: string | null; before: any; after: any;
}

/** The organization's last audit sequence number, to read what an operation appended after it. */
export async function lastSeq(app: TestApp, organizationId: string): Promise<number> {
  const last = await app.db.manager.findOne(AuditEntry, { where: { organizationId }, order: { seq: "DESC" } });
  return last?.seq ?? 0;
}

/** The organization's audit entries after `seq`, oldest first. */
export async function auditEntriesAfter(app: TestApp, organizationId: string, seq: number): Promise<AuditView[]> {
  const rows = await app.db.manager.find(AuditEntry, { where: { organizationId, seq: MoreThan(seq) }, order: { seq: "ASC" } });
  return rows.map((e) => ({
    seq: e.seq, action: e.action, outcome: e.outcome, actorType: e.actorType, actorId: e.actorId, actorRole: e.actorRole,
    teamId: e.teamId, targetType: e.targetType, targetId: e.targetId,
    before: e.before === null ? null : JSON.parse(e.before), after: e.after === null ? null : JSON.parse(e.after),
  }));
}

/** The same entries without their sequence numbers, for comparing whole entries. */
export const auditAfter = async (app: TestApp, organizationId: string, seq: number): Promise<Omit<AuditView, "seq">[]> =>
  (await auditEntriesAfter(app, organizationId, seq)).map(({ seq: _seq, ...entry }) => entry);
