import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from "typeorm";

/*
 * Column shapes mirroring src/entities/columns.ts. Only the QueryRunner table API is used (no raw
 * SQL), so this one migration builds the same schema on SQLite (better-sqlite3) and MySQL/MariaDB.
 */
const id = (name: string): TableColumnOptions => ({ name, type: "varchar", length: "36", isPrimary: true });
const ref = (name: string): TableColumnOptions => ({ name, type: "varchar", length: "36" });
const nullableRef = (name: string): TableColumnOptions => ({ ...ref(name), isNullable: true });
const time = (name: string): TableColumnOptions => ({ name, type: "datetime", precision: 3 });
const nullableTime = (name: string): TableColumnOptions => ({ ...time(name), isNullable: true });
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions =>
  ({ name, type: "varchar", length: String(length), isNullable });
const enumCol = (name: string, defaultValue?: string): TableColumnOptions =>
  ({ ...varchar(name, 32), ...(defaultValue !== undefined ? { default: `'${defaultValue}'` } : {}) });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: "text", isNullable });
/** `simple-json` columns are stored as text. */
const json = (name: string): TableColumnOptions => text(name);
/** "integer" is what SQLite reports back and MySQL normalizes it to "int". */
const int = (name: string, defaultValue?: number): TableColumnOptions =>
  ({ name, type: "integer", ...(defaultValue !== undefined ? { default: defaultValue } : {}) });
/** Defaults as 1/0: SQLite keeps a `true` default as the text "true", which TypeORM reads as a change. */
const bool = (name: string, defaultValue: boolean): TableColumnOptions =>
  ({ name, type: "boolean", default: defaultValue ? 1 : 0 });
const index = (name: string, columnNames: string[], isUnique = false): TableIndex =>
  new TableIndex({ name, columnNames, isUnique });

/** In creation order; `down()` drops them in reverse. */
const tables: Table[] = [
  new Table({
    name: "organizations",
    columns: [id("id"), varchar("name", 120), varchar("slug", 64), time("createdAt")],
    indices: [index("uq_organizations_slug", ["slug"], true)],
  }),
  new Table({
    name: "users",
    columns: [
      id("id"), ref("organizationId"), varchar("email", 190), varchar("name", 120), enumCol("role", "AGENT"),
      bool("active", true), nullableTime("lastActiveAt"), time("createdAt"),
    ],
    indices: [index("idx_users_org", ["organizationId"]), index("uq_users_email", ["email"], true)],
  }),
  new Table({
    name: "teams",
    columns: [
      id("id"), ref("organizationId"), varchar("name", 120), enumCol("agentVisibility", "ASSIGNED_AND_UNASSIGNED"),
      int("unassignedAlertMinutes", 15), int("idleAlertMinutes", 240), time("createdAt"),
    ],
    indices: [index("idx_teams_org", ["organizationId"])],
  }),
  new Table({
    name: "team_members",
    columns: [
      { ...ref("teamId"), isPrimary: true }, { ...ref("userId"), isPrimary: true }, ref("organizationId"), time("joinedAt"),
    ],
    indices: [index("idx_team_members_user", ["userId"])],
  }),
  new Table({
    name: "contacts",
    columns: [
      id("id"), ref("organizationId"), varchar("name", 120), varchar("phoneNumber", 32), varchar("whatsappId", 32),
      time("createdAt"),
    ],
    indices: [index("uq_contacts_org_wa", ["organizationId", "whatsappId"], true)],
  }),
  new Table({
    name: "conversations",
    columns: [
      id("id"), ref("organizationId"), ref("teamId"), ref("contactId"), enumCol("status", "OPEN"),
      enumCol("priority", "NORMAL"), nullableRef("assigneeId"), int("version", 1), nullableTime("lastInboundAt"),
      nullableTime("waitingSince"), time("lastActivityAt"), time("createdAt"), time("updatedAt"),
    ],
    indices: [
      index("idx_conv_queue", ["organizationId", "teamId", "status", "createdAt", "id"]),
      index("idx_conv_assignee", ["organizationId", "assigneeId", "status", "createdAt", "id"]),
      index("idx_conv_org_created", ["organizationId", "createdAt", "id"]),
      index("idx_conv_contact", ["contactId"]),
    ],
  }),
  new Table({
    name: "messages",
    columns: [
      id("id"), ref("organizationId"), ref("conversationId"), enumCol("direction"), text("body"),
      nullableRef("templateId"), nullableRef("senderId"), enumCol("status", "RECEIVED"), varchar("externalId", 128, true),
      varchar("failureReason", 500, true), time("createdAt"),
    ],
    indices: [
      index("idx_messages_conv", ["conversationId", "createdAt", "id"]),
      index("uq_messages_external", ["organizationId", "externalId"], true),
    ],
  }),
  new Table({
    name: "assignments",
    columns: [
      id("id"), ref("organizationId"), ref("conversationId"), varchar("action", 32), nullableRef("fromAssigneeId"),
      nullableRef("toAssigneeId"), nullableRef("fromTeamId"), nullableRef("toTeamId"), nullableRef("assignedById"),
      nullableRef("assignedByApiKeyId"), varchar("reason", 500, true), time("createdAt"),
    ],
    indices: [index("idx_assignments_conv", ["conversationId", "createdAt", "id"])],
  }),
  new Table({
    name: "notes",
    columns: [
      id("id"), ref("organizationId"), ref("conversationId"), ref("authorId"), text("body"), enumCol("visibility", "TEAM"),
      nullableTime("editedAt"), nullableTime("deletedAt"), time("createdAt"),
    ],
    indices: [index("idx_notes_conv", ["conversationId", "createdAt", "id"])],
  }),
  new Table({
    name: "labels",
    columns: [
      id("id"), ref("organizationId"), varchar("name", 64), varchar("nameKey", 64), varchar("color", 7),
      bool("archived", false), time("createdAt"),
    ],
    indices: [index("uq_labels_org_name", ["organizationId", "nameKey"], true)],
  }),
  new Table({
    name: "conversation_labels",
    columns: [
      { ...ref("conversationId"), isPrimary: true }, { ...ref("labelId"), isPrimary: true }, ref("organizationId"),
      nullableRef("appliedById"), time("appliedAt"),
    ],
    indices: [index("idx_conv_labels_label", ["labelId"])],
  }),
  new Table({
    name: "templates",
    columns: [
      id("id"), ref("organizationId"), varchar("name", 120), varchar("language", 16), enumCol("category"), text("body"),
      json("placeholders"), enumCol("status", "DRAFT"), json("teamIds"), ref("createdById"),
      nullableRef("lastEditedById"), nullableRef("approvedById"), varchar("rejectionReason", 500, true),
      time("createdAt"), time("updatedAt"),
    ],
    indices: [index("idx_templates_org_status", ["organizationId", "status"])],
  }),
  new Table({
    name: "template_events",
    columns: [
      id("id"), ref("organizationId"), ref("templateId"), { ...enumCol("fromStatus"), isNullable: true },
      enumCol("toStatus"), nullableRef("actorId"), varchar("reason", 500, true), time("createdAt"),
    ],
    indices: [index("idx_template_events_tpl", ["templateId", "createdAt", "id"])],
  }),
  new Table({
    name: "audit_entries",
    columns: [
      id("id"), ref("organizationId"), int("seq"), nullableRef("teamId"), enumCol("actorType"), nullableRef("actorId"),
      { ...enumCol("actorRole"), isNullable: true }, varchar("action", 64), varchar("targetType", 32),
      nullableRef("targetId"), enumCol("outcome"), text("before", true), text("after", true),
      varchar("requestId", 64, true), varchar("ipAddress", 64, true), varchar("userAgent", 255, true),
      time("createdAt"), varchar("prevHash", 64), varchar("hash", 64),
    ],
    indices: [
      index("uq_audit_org_seq", ["organizationId", "seq"], true),
      index("idx_audit_org_created", ["organizationId", "createdAt", "id"]),
      index("idx_audit_org_team", ["organizationId", "teamId", "createdAt", "id"]),
      index("idx_audit_target", ["organizationId", "targetType", "targetId"]),
    ],
  }),
  new Table({
    name: "audit_heads",
    columns: [{ ...ref("organizationId"), isPrimary: true }, int("seq", 0), varchar("hash", 64)],
  }),
  new Table({
    name: "api_keys",
    columns: [
      id("id"), ref("organizationId"), varchar("name", 120), varchar("secretHash", 64), json("scopes"), json("teamIds"),
      ref("createdById"), nullableTime("revokedAt"), nullableTime("lastUsedAt"), time("createdAt"),
    ],
    indices: [index("idx_api_keys_org", ["organizationId"])],
  }),
  new Table({
    name: "idempotency_records",
    columns: [
      { ...varchar("principalKey", 64), isPrimary: true }, { ...varchar("key", 128), isPrimary: true },
      varchar("operation", 64), varchar("inputHash", 64), text("result"), time("createdAt"),
    ],
    indices: [index("idx_idempotency_created", ["createdAt"])],
  }),
];

/** The schema of every entity in src/entities, with their indexes; no foreign keys (tenant scoping is the app's). */
export class InitialSchema1732400000000 implements MigrationInterface {
  name = "InitialSchema1732400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables) await queryRunner.createTable(table.clone(), true);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...tables].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
