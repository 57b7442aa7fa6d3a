import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Audit entries are append-only: the database itself refuses UPDATE and DELETE on them, so not
 * even a bug in the gateway can rewrite history. Triggers have no table-API form, hence one
 * statement per dialect.
 */
export class AuditAppendOnly1732400000001 implements MigrationInterface {
  name = "AuditAppendOnly1732400000001";

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type !== "better-sqlite3";
    for (const op of ["UPDATE", "DELETE"]) {
      const name = `audit_entries_no_${op.toLowerCase()}`;
      await q.query(mysql
        ? `CREATE TRIGGER ${name} BEFORE ${op} ON audit_entries FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit entries are append-only'`
        : `CREATE TRIGGER ${name} BEFORE ${op} ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TRIGGER IF EXISTS audit_entries_no_update");
    await q.query("DROP TRIGGER IF EXISTS audit_entries_no_delete");
  }
}
