import { MigrationInterface, QueryRunner, Table, TableIndex } from "typeorm";

/*
 * Outbound messaging: the delivery outbox, and template names unique per organization and
 * language (WhatsApp identifies a template by name and language). Table API only, so it runs
 * on SQLite and MySQL alike; column shapes mirror src/entities/columns.ts.
 */
export class Messaging1732400000002 implements MigrationInterface {
  name = "Messaging1732400000002";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: "message_outbox",
      columns: [
        { name: "messageId", type: "varchar", length: "36", isPrimary: true },
        { name: "organizationId", type: "varchar", length: "36" },
        { name: "conversationId", type: "varchar", length: "36" },
        { name: "content", type: "text" },
        { name: "attempts", type: "integer", default: 0 },
        { name: "nextAttemptAt", type: "datetime", precision: 3 },
        { name: "lastError", type: "varchar", length: "500", isNullable: true },
        { name: "createdAt", type: "datetime", precision: 3 },
      ],
      indices: [
        new TableIndex({ name: "idx_outbox_due", columnNames: ["nextAttemptAt"] }),
        new TableIndex({ name: "idx_outbox_conv", columnNames: ["conversationId", "createdAt", "messageId"] }),
      ],
    }));
    await q.createIndex("templates", new TableIndex({ name: "uq_templates_org_name_lang", columnNames: ["organizationId", "name", "language"], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex("templates", "uq_templates_org_name_lang");
    await q.dropTable("message_outbox");
  }
}
