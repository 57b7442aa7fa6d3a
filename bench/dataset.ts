/**
 * The bench dataset: organizations, teams, agents, contacts, and conversations with messages,
 * notes, labels and assignments, at any scale. Every row is a pure function of its number, so a
 * dataset can be resumed after an interruption, reused by the next run, and is the same on SQLite
 * and MariaDB. Rows are streamed in batches (multi-row INSERTs, one transaction per batch), so
 * memory stays flat whether it is 200 conversations or 1 million.
 */
import { existsSync, rmSync } from "node:fs";
import { dirname, join, basename, extname } from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { createConnection } from "mysql2/promise";
import { EntityManager, ObjectLiteral } from "typeorm";
import { openDatabase } from "../src/bootstrap";
import type { DatabaseConfig } from "../src/config";
import type { Database } from "../src/db";
import { AgentVisibility, ConversationStatus, DeliveryStatus, MessageDirection, NoteVisibility, Priority, Role } from "../src/entities/enums";

/** Bumped whenever the shape below changes: a dataset of another version is regenerated. */
export const DATASET_VERSION = 1;

export const ORGANIZATIONS = 2;
export const TEAMS_PER_ORG = 4;
export const AGENTS_PER_TEAM = 5;
export const LABELS_PER_ORG = 8;
/** Conversation n was created this long after the previous one. */
const STEP_MS = 20_000;
/** A fixed origin, so a reused dataset is the same one as when it was generated. */
const EPOCH = Date.UTC(2025, 0, 1);
const MAX_MESSAGES = 4;
const MAX_NOTES = 4;
/** Bound on bound parameters per statement: under SQLite's 32,766 and MySQL's 65,535. */
const MAX_PARAMS = 30_000;

/**
 * Deterministic ids of our shape (lower-case UUID, `isId` accepts them), one tag per table and
 * increasing with the row number, so inserts append to every primary key instead of scattering.
 */
const TAG = { org: "00000001", team: "00000002", user: "00000003", label: "00000004", contact: "00000005",
  conversation: "00000006", message: "00000007", note: "00000008", assignment: "00000009" } as const;
export const benchId = (kind: keyof typeof TAG, n: number): string => `${TAG[kind]}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const orgSlug = (o: number): string => `bench-v${DATASET_VERSION}-${o}`;
const teamNumber = (o: number, t: number): number => o * TEAMS_PER_ORG + t;
const managerNumber = (o: number, t: number): number => ORGANIZATIONS + teamNumber(o, t) * (AGENTS_PER_TEAM + 1);
const agentNumber = (o: number, t: number, a: number): number => managerNumber(o, t) + 1 + a;

/** The principals the scenarios act as: team 0 of organization 0. */
export const benchPrincipals = {
  organizationId: benchId("org", 0),
  teamId: benchId("team", teamNumber(0, 0)),
  adminId: benchId("user", 0),
  managerId: benchId("user", managerNumber(0, 0)),
  agentId: benchId("user", agentNumber(0, 0, 0)),
  agentIds: Array.from({ length: AGENTS_PER_TEAM }, (_, a) => benchId("user", agentNumber(0, 0, a))),
};

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 23);

/** Where conversation n sits: organization, team, and its position k among its team's conversations. */
function place(n: number): { o: number; i: number; t: number; k: number } {
  const o = n % ORGANIZATIONS;
  const i = Math.floor(n / ORGANIZATIONS);
  const t = i % TEAMS_PER_ORG;
  return { o, i, t, k: Math.floor(i / TEAMS_PER_ORG) };
}

/**
 * Status and assignee by position in the team, in tens: half OPEN (two in five of those
 * unassigned), a PENDING, four RESOLVED. The first of every ten is OPEN and assigned, so the
 * oldest page of every queue starts with a row that exercises every child field.
 */
const PATTERN: { status: ConversationStatus; agent: number | null }[] = [
  { status: ConversationStatus.OPEN, agent: 0 }, { status: ConversationStatus.OPEN, agent: null },
  { status: ConversationStatus.OPEN, agent: 0 }, { status: ConversationStatus.OPEN, agent: null },
  { status: ConversationStatus.PENDING, agent: 0 }, { status: ConversationStatus.RESOLVED, agent: 0 },
  { status: ConversationStatus.RESOLVED, agent: 0 }, { status: ConversationStatus.RESOLVED, agent: 0 },
  { status: ConversationStatus.OPEN, agent: 1 }, { status: ConversationStatus.RESOLVED, agent: null },
];
const PRIORITIES = [Priority.NORMAL, Priority.HIGH, Priority.NORMAL, Priority.LOW, Priority.URGENT];
const NOTES_BY_K = [3, 1, 0, 2, 4];
const LABELS_BY_K = [2, 1, 0];

/** Rows of one batch, by table, in insertion order. */
type Batch = Record<string, ObjectLiteral[]>;

function emptyBatch(): Batch {
  return { contacts: [], conversations: [], messages: [], notes: [], conversation_labels: [], assignments: [] };
}

/** Appends conversation n and everything that hangs off it. */
function addConversation(batch: Batch, n: number): void {
  const { o, i, t, k } = place(n);
  const org = benchId("org", o);
  const team = benchId("team", teamNumber(o, t));
  const manager = benchId("user", managerNumber(o, t));
  const pattern = PATTERN[k % PATTERN.length];
  const agentIndex = pattern.agent === null ? null : (Math.floor(k / PATTERN.length) + pattern.agent) % AGENTS_PER_TEAM;
  const assignee = agentIndex === null ? null : benchId("user", agentNumber(o, t, agentIndex));
  const created = EPOCH + n * STEP_MS;
  // Two consecutive conversations of an organization share a contact.
  const g = o + ORGANIZATIONS * Math.floor(i / 2);
  if (i % 2 === 0) {
    const phone = `+1555${String(g).padStart(8, "0")}`;
    batch.contacts.push({ id: benchId("contact", g), organizationId: org, name: `Customer ${g}`, phoneNumber: phone, whatsappId: phone.slice(1), createdAt: iso(created) });
  }
  const id = benchId("conversation", n);
  const messages = 2 + (k % 3);
  const unassignedOpen = pattern.status === ConversationStatus.OPEN && assignee === null;
  batch.conversations.push({
    id, organizationId: org, teamId: team, contactId: benchId("contact", g), status: pattern.status, priority: PRIORITIES[n % PRIORITIES.length],
    assigneeId: assignee, version: 1, lastInboundAt: iso(created), waitingSince: unassignedOpen ? iso(created) : null,
    lastActivityAt: iso(created + (messages - 1) * 60_000), createdAt: iso(created), updatedAt: iso(created + (messages - 1) * 60_000),
  });
  for (let j = 0; j < messages; j++) {
    const inbound = j % 2 === 0;
    batch.messages.push({
      id: benchId("message", n * MAX_MESSAGES + j), organizationId: org, conversationId: id,
      direction: inbound ? MessageDirection.INBOUND : MessageDirection.OUTBOUND, body: `Message ${j + 1} of conversation ${n}: where is my order?`,
      templateId: null, senderId: inbound ? null : assignee ?? manager, status: inbound ? DeliveryStatus.RECEIVED : DeliveryStatus.DELIVERED,
      externalId: null, failureReason: null, createdAt: iso(created + j * 60_000),
    });
  }
  for (let j = 0; j < NOTES_BY_K[k % NOTES_BY_K.length]; j++) {
    batch.notes.push({
      id: benchId("note", n * MAX_NOTES + j), organizationId: org, conversationId: id, authorId: j % 2 === 0 ? manager : assignee ?? manager,
      body: `Note ${j + 1} on conversation ${n}`, visibility: j % 3 === 2 ? NoteVisibility.MANAGERS : NoteVisibility.TEAM,
      editedAt: null, deletedAt: null, createdAt: iso(created + (j + 1) * 90_000),
    });
  }
  for (let j = 0; j < LABELS_BY_K[k % LABELS_BY_K.length]; j++) {
    batch.conversation_labels.push({
      conversationId: id, labelId: benchId("label", o * LABELS_PER_ORG + ((n + j * 3) % LABELS_PER_ORG)), organizationId: org,
      appliedById: assignee, appliedAt: iso(created + 30_000),
    });
  }
  if (assignee) {
    batch.assignments.push({
      id: benchId("assignment", n), organizationId: org, conversationId: id, action: "ASSIGN", fromAssigneeId: null, toAssigneeId: assignee,
      fromTeamId: null, toTeamId: null, assignedById: manager, assignedByApiKeyId: null, reason: null, createdAt: iso(created + 30_000),
    });
  }
}

/** The organizations, teams, users, memberships and labels: a few dozen rows, written once. */
function staticRows(): Batch {
  const at = iso(EPOCH - 86_400_000);
  const batch: Batch = { organizations: [], teams: [], users: [], team_members: [], labels: [] };
  const colors = ["#e11d48", "#f97316", "#a855f7", "#0ea5e9", "#22c55e", "#eab308", "#64748b", "#14b8a6"];
  for (let o = 0; o < ORGANIZATIONS; o++) {
    const org = benchId("org", o);
    batch.organizations.push({ id: org, name: `Bench ${o}`, slug: orgSlug(o), createdAt: at });
    batch.users.push({ id: benchId("user", o), organizationId: org, email: `admin-${o}@bench.test`, name: `Admin ${o}`, role: Role.ADMIN, active: 1, lastActiveAt: null, createdAt: at });
    for (let t = 0; t < TEAMS_PER_ORG; t++) {
      const team = benchId("team", teamNumber(o, t));
      // Team 0 is the restrictive kind (agents see unassigned and their own), so the AGENT scenario exercises the row scope.
      const visibility = t === 0 ? AgentVisibility.ASSIGNED_AND_UNASSIGNED : t % 2 ? AgentVisibility.TEAM : AgentVisibility.ASSIGNED_ONLY;
      batch.teams.push({ id: team, organizationId: org, name: `Team ${o}.${t}`, agentVisibility: visibility, unassignedAlertMinutes: 15, idleAlertMinutes: 240, createdAt: at });
      const members = [{ n: managerNumber(o, t), role: Role.MANAGER, name: `Manager ${o}.${t}` },
        ...Array.from({ length: AGENTS_PER_TEAM }, (_, a) => ({ n: agentNumber(o, t, a), role: Role.AGENT, name: `Agent ${o}.${t}.${a}` }))];
      for (const m of members) {
        const user = benchId("user", m.n);
        batch.users.push({ id: user, organizationId: org, email: `user-${m.n}@bench.test`, name: m.name, role: m.role, active: 1, lastActiveAt: at, createdAt: at });
        batch.team_members.push({ teamId: team, userId: user, organizationId: org, joinedAt: at });
      }
    }
    for (let l = 0; l < LABELS_PER_ORG; l++) {
      const name = `Label ${l}`;
      batch.labels.push({ id: benchId("label", o * LABELS_PER_ORG + l), organizationId: org, name, nameKey: name.toLowerCase(), color: colors[l], archived: 0, createdAt: at });
    }
  }
  return batch;
}

/** Writes a batch as multi-row INSERTs (as many rows per statement as the parameter bound allows). */
async function insertBatch(manager: EntityManager, batch: Batch, quote: (name: string) => string): Promise<number> {
  let rows = 0;
  for (const [table, list] of Object.entries(batch)) {
    if (list.length === 0) continue;
    const columns = Object.keys(list[0]);
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    for (let s = 0; s < list.length; s += perStatement) {
      const chunk = list.slice(s, s + perStatement);
      const params: unknown[] = [];
      for (const row of chunk) for (const c of columns) params.push(row[c]);
      await manager.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")}`, params);
    }
    rows += list.length;
  }
  return rows;
}

/** Where a dataset of `conversations` lives, next to (never in) the configured database. */
export function datasetLocation(base: DatabaseConfig, conversations: number): DatabaseConfig {
  if (base.kind === "sqlite") {
    if (base.path === ":memory:") throw new Error("the bench needs a database file or server, not sqlite::memory:");
    const stem = basename(base.path, extname(base.path));
    return { kind: "sqlite", path: join(dirname(base.path), `${stem}-${conversations}.sqlite`) };
  }
  const url = new URL(base.url);
  url.pathname = `/${url.pathname.slice(1)}_bench_${conversations}`;
  return { kind: "mysql", url: url.toString() };
}

/** A location for logs: the file, or the server and database without credentials. */
export function describeLocation(db: DatabaseConfig): string {
  if (db.kind === "sqlite") return db.path;
  const url = new URL(db.url);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Runs one statement against the server of a MySQL URL, outside any database. */
async function onServer(url: string, sql: string): Promise<void> {
  const server = new URL(url);
  server.pathname = "/";
  const conn = await createConnection({ uri: server.toString(), connectTimeout: 5000 });
  try { await conn.query(sql); } finally { await conn.end(); }
}

const databaseName = (url: string): string => new URL(url).pathname.slice(1);

/** Deletes a bench dataset (only ever one at a bench location). */
export async function dropDataset(location: DatabaseConfig): Promise<void> {
  if (location.kind === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(location.path + suffix, { force: true });
    return;
  }
  await onServer(location.url, `DROP DATABASE IF EXISTS \`${databaseName(location.url)}\``);
}

/** What a dataset holds and how it was obtained. */
export interface DatasetInfo {
  location: string;
  conversations: number;
  /** Rows per table (from the plan: what the generator wrote). */
  rows: Record<string, number>;
  /** reused: it was already complete; generated: written now (resumed counts as generated). */
  status: "reused" | "generated";
  seconds: number;
  rowsPerSecond: number | null;
}

/** How many rows a dataset of `conversations` has, per table, without generating it. */
export function plannedRows(conversations: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (batch: Batch) => { for (const [t, rows] of Object.entries(batch)) counts[t] = (counts[t] ?? 0) + rows.length; };
  add(staticRows());
  // Closed form would be brittle; the per-conversation counts repeat every 2·4·30 conversations.
  const period = ORGANIZATIONS * TEAMS_PER_ORG * 30 * 2;
  const perPeriod = emptyBatch();
  for (let n = 0; n < Math.min(period, conversations); n++) addConversation(perPeriod, n);
  const full = Math.floor(conversations / period);
  if (conversations >= period) {
    for (const [t, rows] of Object.entries(perPeriod)) counts[t] = (counts[t] ?? 0) + rows.length * full;
    const rest = emptyBatch();
    for (let n = full * period; n < conversations; n++) addConversation(rest, n);
    add(rest);
  } else {
    add(perPeriod);
  }
  return counts;
}

export interface EnsureOptions {
  batchSize?: number;
  progress?: boolean;
  log?: (line: string) => void;
}

/**
 * Makes sure `location` holds the bench dataset of exactly `conversations`: reuses it when it
 * does, resumes it when it was interrupted, regenerates it when it is bigger or of another
 * version. Refuses a database that holds anything but bench organizations.
 */
export async function ensureDataset(location: DatabaseConfig, conversations: number, options: EnsureOptions = {}): Promise<DatasetInfo> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 2000;
  const started = Date.now();
  if (location.kind === "mysql") await onServer(location.url, `CREATE DATABASE IF NOT EXISTS \`${databaseName(location.url)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  let db = await openDatabase(location);
  try {
    let existing = await benchState(db);
    if (existing.foreign > 0) throw new Error(`${describeLocation(location)} holds organizations that are not the bench's; refusing to touch it`);
    if (existing.conversations > conversations || (existing.organizations !== 0 && existing.organizations !== ORGANIZATIONS)) {
      log(`dataset at ${describeLocation(location)} has ${existing.conversations} conversations (or another version); regenerating`);
      await db.dataSource.destroy();
      await dropDataset(location);
      if (location.kind === "mysql") await onServer(location.url, `CREATE DATABASE \`${databaseName(location.url)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      db = await openDatabase(location);
      existing = await benchState(db);
    }
    const rows = plannedRows(conversations);
    if (existing.conversations === conversations && existing.organizations === ORGANIZATIONS) {
      return { location: describeLocation(location), conversations, rows, status: "reused", seconds: (Date.now() - started) / 1000, rowsPerSecond: null };
    }
    log(`generating conversations ${existing.conversations}..${conversations - 1} into ${describeLocation(location)}`);
    const written = await generate(db, existing.organizations === 0, existing.conversations, conversations, batchSize, options.progress ?? false);
    const seconds = (Date.now() - started) / 1000;
    return { location: describeLocation(location), conversations, rows, status: "generated", seconds, rowsPerSecond: Math.round(written / Math.max(seconds, 0.001)) };
  } finally {
    if (db.dataSource.isInitialized) await db.dataSource.destroy();
  }
}

async function benchState(db: Database): Promise<{ organizations: number; foreign: number; conversations: number }> {
  const orgs: { slug: string }[] = await db.manager.query("SELECT slug FROM organizations");
  const ours = orgs.filter((o) => /^bench-v\d+-\d+$/.test(o.slug));
  const current = ours.filter((o) => o.slug.startsWith(`bench-v${DATASET_VERSION}-`));
  // A bench organization of another dataset version counts as "bigger": it is regenerated.
  const [{ n }] = await db.manager.query("SELECT COUNT(*) AS n FROM conversations");
  const stale = ours.length - current.length;
  return { organizations: stale > 0 ? -1 : current.length, foreign: orgs.length - ours.length, conversations: Number(n) };
}

async function generate(db: Database, withStatic: boolean, from: number, to: number, batchSize: number, progress: boolean): Promise<number> {
  const quote = db.isSqlite ? (name: string) => `"${name}"` : (name: string) => `\`${name}\``;
  if (db.isSqlite) {
    // Bulk-load settings for this connection only; WAL stays, so a crash loses at most the last batch.
    await db.manager.query("PRAGMA synchronous = OFF");
    await db.manager.query("PRAGMA cache_size = -262144");
  }
  let written = 0;
  if (withStatic) written += await db.transaction((m) => insertBatch(m, staticRows(), quote));
  const bar = progress ? new SingleBar({
    format: "dataset  {bar} {percentage}% | {value}/{total} conversations | {rows} rows | {rate} rows/s | ETA {eta_formatted}",
    hideCursor: true,
  }, Presets.shades_classic) : null;
  bar?.start(to, from, { rows: 0, rate: 0 });
  const t0 = Date.now();
  for (let start = from; start < to; start += batchSize) {
    const end = Math.min(to, start + batchSize);
    const batch = emptyBatch();
    for (let n = start; n < end; n++) addConversation(batch, n);
    written += await db.transaction((m) => insertBatch(m, batch, quote));
    bar?.update(end, { rows: written, rate: Math.round(written / Math.max((Date.now() - t0) / 1000, 0.001)) });
  }
  bar?.stop();
  // Fresh statistics, as a maintained production database has them (ANALYZE on SQLite; InnoDB keeps its own).
  await db.manager.query(db.isSqlite ? "ANALYZE" : "ANALYZE TABLE conversations, messages, notes, conversation_labels, assignments, contacts");
  return written;
}

/** Whether a file-backed dataset exists at all (for messages before generating). */
export const datasetExists = (location: DatabaseConfig): boolean => location.kind === "mysql" || existsSync(location.path);

/** The conversation number at position k of team t of organization o. */
export const conversationNumber = (o: number, t: number, k: number): number => ORGANIZATIONS * (k * TEAMS_PER_ORG + t) + o;

/** When conversation n was created. */
export const createdAtOf = (n: number): Date => new Date(EPOCH + n * STEP_MS);

/**
 * An OPEN conversation halfway through team 0's queue (organization 0) of a dataset of
 * `conversations`: the cursor after it asks for a page deep in the queue.
 */
export function middleOfQueue(conversations: number): { n: number; id: string; createdAt: Date } {
  const positions = Math.floor(conversations / (ORGANIZATIONS * TEAMS_PER_ORG));
  const k = PATTERN.length * Math.floor(positions / (2 * PATTERN.length)); // pattern 0 is OPEN
  const n = conversationNumber(0, 0, k);
  return { n, id: benchId("conversation", n), createdAt: createdAtOf(n) };
}
