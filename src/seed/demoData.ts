/**
 * The demo organizations: two tenants (Acme, Globex) with teams, users, conversations, messages,
 * assignment history, notes, labels and templates. The content is fixed by the product's issue and
 * tests rely on it, so every choice below is a deterministic function of the conversation number
 * `n` (1..40 per organization, 1 = most recent) and of `now`. The rules:
 *
 * - Teams: Acme odd `n` → Sales, even `n` → Support; Globex every `n` → Support. A conversation's
 *   slot `k` is its 1-based position inside its team (Acme: k = ceil(n / 2); Globex: k = n), and
 *   its pattern position is p = ((k - 1) % 10) + 1. Agents A and B of a team: Acme Sales ali/carl,
 *   Acme Support bea/carl, Globex gina/gina. Manager: Acme Sales maya, Acme Support sam, Globex none
 *   (its admin does the assigning and writes the MANAGERS notes).
 *   p=1 A OPEN (ASSIGN by manager)   p=2 unassigned OPEN        p=3 B OPEN (CLAIM by B)
 *   p=4 A OPEN (CLAIM by A)          p=5 unassigned OPEN        p=6 B OPEN (ASSIGN by manager)
 *   p=7 manager OPEN (CLAIM; Globex: unassigned OPEN)          p=8 A PENDING (ASSIGN by manager)
 *   p=9 unassigned OPEN              p=10 B RESOLVED (CLAIM by B)
 * - Time: createdAt = now − n·55 min for n ≤ 20, now − 24 h − (n − 20)·600 min for n > 20, minus
 *   2 min more for Globex (so every createdAt is distinct, across both organizations too). Message j
 *   (0-based) is at createdAt + j·7 min (n ≤ 20) or + j·40 min (n > 20). So conversations 1..20 of
 *   each organization had their last inbound message less than 24 h ago (window open) and 21..40
 *   more than 24 h ago (window closed).
 * - Messages: 2 + (n % 4), alternating INBOUND/OUTBOUND starting INBOUND; unassigned OPEN ones get an
 *   odd count (they end inbound, the customer is waiting) and PENDING/RESOLVED ones an even count
 *   (they end outbound); a wrong parity is fixed by +1 (5 → 4).
 * - Priority: n % 5 → 0 NORMAL, 1 HIGH, 2 NORMAL, 3 LOW, 4 URGENT.
 * - Notes on n % 3 === 0; visibility MANAGERS when n % 4 is 0 or 1, else TEAM.
 * - Labels (active ones only, in the listed order L; q = floor(n / 4)): n % 4 = 0 → none,
 *   1 → L[q % |L|], 2 → L[q % |L|] and L[(q + 1) % |L|], 3 → L[(q + 2) % |L|]. Archived labels are
 *   never applied; appliedBy is the assignee (null when unassigned).
 */
import { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from "typeorm";
import { Assignment } from "../entities/Assignment";
import { newId } from "../entities/columns";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { ConversationLabel } from "../entities/ConversationLabel";
import {
  AgentVisibility, ConversationStatus, DeliveryStatus, MessageDirection, NoteVisibility, Priority, Role,
  TemplateCategory, TemplateStatus,
} from "../entities/enums";
import { Label } from "../entities/Label";
import { Message } from "../entities/Message";
import { Note } from "../entities/Note";
import { Organization } from "../entities/Organization";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { Template } from "../entities/Template";
import { TemplateEvent } from "../entities/TemplateEvent";
import { User } from "../entities/User";

/** Ids of what the demo seed created, so the caller (and tests) can address rows by name. */
export interface DemoSeed {
  organizations: { acme: string; globex: string };
  /** email → user id */
  users: Record<string, string>;
  /** "acme/Sales" → team id */
  teams: Record<string, string>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CONVERSATIONS_PER_ORG = 40;
/** Rows per INSERT: keeps statements well under SQLite's and MariaDB's parameter limits. */
const CHUNK = 100;

interface TeamSpec {
  name: string;
  agentVisibility: AgentVisibility;
  unassignedAlertMinutes: number;
  /** Emails, in order: the manager (if any) first, then the agents A and B (may be the same). */
  manager: string | null;
  agents: [string, string];
}

interface UserSpec { email: string; name: string; role: Role; teams: string[] }

interface TemplateSpec {
  name: string;
  category: TemplateCategory;
  body: string;
  placeholders: string[];
  status: TemplateStatus;
  createdBy: string;
  approvedBy: string | null;
  /** Team names the template is restricted to; empty = every team. */
  teams: string[];
  rejectionReason?: string;
  /** Lifecycle as [fromStatus, toStatus, actor email, reason]. */
  path: [TemplateStatus | null, TemplateStatus, string, string | null][];
}

interface OrgSpec {
  slug: "acme" | "globex";
  name: string;
  /** Minutes subtracted from every conversation time so the two organizations never tie. */
  timeShiftMinutes: number;
  admin: string;
  teams: TeamSpec[];
  users: UserSpec[];
  teamOf: (n: number) => string;
  slotOf: (n: number) => number;
  phoneOf: (n: number) => string;
  labels: { name: string; color: string; archived: boolean }[];
  templates: TemplateSpec[];
}

const { DRAFT, PENDING_APPROVAL, APPROVED, REJECTED, PAUSED } = TemplateStatus;

const ACME: OrgSpec = {
  slug: "acme",
  name: "Acme",
  timeShiftMinutes: 0,
  admin: "admin@acme.test",
  teams: [
    { name: "Sales", agentVisibility: AgentVisibility.ASSIGNED_AND_UNASSIGNED, unassignedAlertMinutes: 15,
      manager: "maya@acme.test", agents: ["ali@acme.test", "carl@acme.test"] },
    { name: "Support", agentVisibility: AgentVisibility.TEAM, unassignedAlertMinutes: 30,
      manager: "sam@acme.test", agents: ["bea@acme.test", "carl@acme.test"] },
  ],
  users: [
    { email: "admin@acme.test", name: "Ada Admin", role: Role.ADMIN, teams: [] },
    { email: "maya@acme.test", name: "Maya Manager", role: Role.MANAGER, teams: ["Sales"] },
    { email: "sam@acme.test", name: "Sam Manager", role: Role.MANAGER, teams: ["Support"] },
    { email: "ali@acme.test", name: "Ali Agent", role: Role.AGENT, teams: ["Sales"] },
    { email: "bea@acme.test", name: "Bea Agent", role: Role.AGENT, teams: ["Support"] },
    { email: "carl@acme.test", name: "Carl Agent", role: Role.AGENT, teams: ["Sales", "Support"] },
  ],
  teamOf: (n) => (n % 2 === 1 ? "Sales" : "Support"),
  slotOf: (n) => Math.ceil(n / 2),
  phoneOf: (n) => `+4477009001${String(n).padStart(2, "0")}`,
  labels: [
    { name: "Billing", color: "#e11d48", archived: false },
    { name: "Urgent", color: "#f97316", archived: false },
    { name: "VIP", color: "#a855f7", archived: false },
    { name: "Refund", color: "#0ea5e9", archived: false },
    { name: "Legacy", color: "#64748b", archived: true },
  ],
  templates: [
    { name: "order_update", category: TemplateCategory.UTILITY, body: "Hi {{1}}, your order {{2}} has shipped.",
      placeholders: ["1", "2"], status: APPROVED, createdBy: "maya@acme.test", approvedBy: "admin@acme.test", teams: [],
      path: [[null, DRAFT, "maya@acme.test", null], [DRAFT, PENDING_APPROVAL, "maya@acme.test", null],
        [PENDING_APPROVAL, APPROVED, "admin@acme.test", null]] },
    { name: "welcome_offer", category: TemplateCategory.MARKETING, body: "Hello {{customer_name}}, enjoy {{discount}} off!",
      placeholders: ["customer_name", "discount"], status: PENDING_APPROVAL, createdBy: "sam@acme.test", approvedBy: null,
      teams: ["Support"],
      path: [[null, DRAFT, "sam@acme.test", null], [DRAFT, PENDING_APPROVAL, "sam@acme.test", null]] },
    { name: "payment_reminder", category: TemplateCategory.UTILITY, body: "Hi {{1}}, a payment of {{2}} is due.",
      placeholders: ["1", "2"], status: DRAFT, createdBy: "maya@acme.test", approvedBy: null, teams: ["Sales"],
      path: [[null, DRAFT, "maya@acme.test", null]] },
    { name: "winback", category: TemplateCategory.MARKETING, body: "We miss you, {{1}}!",
      placeholders: ["1"], status: REJECTED, createdBy: "sam@acme.test", approvedBy: null, teams: [],
      rejectionReason: "Too pushy for a utility number",
      path: [[null, DRAFT, "sam@acme.test", null], [DRAFT, PENDING_APPROVAL, "sam@acme.test", null],
        [PENDING_APPROVAL, REJECTED, "admin@acme.test", "Too pushy for a utility number"]] },
    { name: "support_followup", category: TemplateCategory.UTILITY, body: "Hi {{1}}, is your issue resolved?",
      placeholders: ["1"], status: APPROVED, createdBy: "sam@acme.test", approvedBy: "admin@acme.test", teams: ["Support"],
      path: [[null, DRAFT, "sam@acme.test", null], [DRAFT, PENDING_APPROVAL, "sam@acme.test", null],
        [PENDING_APPROVAL, APPROVED, "admin@acme.test", null]] },
    { name: "old_promo", category: TemplateCategory.MARKETING, body: "Spring sale!",
      placeholders: [], status: PAUSED, createdBy: "maya@acme.test", approvedBy: "admin@acme.test", teams: [],
      path: [[null, DRAFT, "maya@acme.test", null], [DRAFT, PENDING_APPROVAL, "maya@acme.test", null],
        [PENDING_APPROVAL, APPROVED, "admin@acme.test", null],
        [APPROVED, PAUSED, "admin@acme.test", "Paused after a low quality rating from WhatsApp"]] },
  ],
};

const GLOBEX: OrgSpec = {
  slug: "globex",
  name: "Globex",
  timeShiftMinutes: 2,
  admin: "admin@globex.test",
  teams: [
    { name: "Support", agentVisibility: AgentVisibility.ASSIGNED_AND_UNASSIGNED, unassignedAlertMinutes: 15,
      manager: null, agents: ["gina@globex.test", "gina@globex.test"] },
  ],
  users: [
    { email: "admin@globex.test", name: "Gus Admin", role: Role.ADMIN, teams: [] },
    { email: "gina@globex.test", name: "Gina Agent", role: Role.AGENT, teams: ["Support"] },
  ],
  teamOf: () => "Support",
  slotOf: (n) => n,
  phoneOf: (n) => `+1555010${String(n).padStart(4, "0")}`,
  labels: [
    { name: "Billing", color: "#e11d48", archived: false },
    { name: "Shipping", color: "#22c55e", archived: false },
  ],
  templates: [
    // Imported already approved (no four-eyes approver inside Globex), hence approvedBy null.
    { name: "globex_hello", category: TemplateCategory.UTILITY, body: "Hello {{1}}", placeholders: ["1"],
      status: APPROVED, createdBy: "admin@globex.test", approvedBy: null, teams: [],
      path: [[null, APPROVED, "admin@globex.test", "Imported from WhatsApp Manager, already approved there"]] },
  ],
};

type Slot = { assignee: "A" | "B" | "MANAGER" | null; status: ConversationStatus; claimed: boolean };

/** The 10-slot pattern repeated through each team's conversations (see the header comment). */
const PATTERN: Slot[] = [
  { assignee: "A", status: ConversationStatus.OPEN, claimed: false },
  { assignee: null, status: ConversationStatus.OPEN, claimed: false },
  { assignee: "B", status: ConversationStatus.OPEN, claimed: true },
  { assignee: "A", status: ConversationStatus.OPEN, claimed: true },
  { assignee: null, status: ConversationStatus.OPEN, claimed: false },
  { assignee: "B", status: ConversationStatus.OPEN, claimed: false },
  { assignee: "MANAGER", status: ConversationStatus.OPEN, claimed: true },
  { assignee: "A", status: ConversationStatus.PENDING, claimed: false },
  { assignee: null, status: ConversationStatus.OPEN, claimed: false },
  { assignee: "B", status: ConversationStatus.RESOLVED, claimed: true },
];

/** Priority of conversation n is PRIORITIES[n % 5]. */
const PRIORITIES: Priority[] = [Priority.NORMAL, Priority.HIGH, Priority.NORMAL, Priority.LOW, Priority.URGENT];

const INBOUND_BODIES: Record<string, string[]> = {
  Sales: [
    "Hi, do you have the blue model in stock?",
    "What would the price be for 20 units?",
    "Can I get a quote for my company?",
    "Is there a discount for annual plans?",
    "When could you deliver to Manchester?",
  ],
  Support: [
    "My order hasn't arrived yet.",
    "The app keeps logging me out.",
    "I was charged twice this month.",
    "How do I reset my password?",
    "The device stopped charging.",
  ],
};
const OUTBOUND_BODIES = [
  "Thanks for reaching out! Let me check that for you.",
  "I've looked into it, could you share your order number?",
  "All sorted, is there anything else I can help with?",
  "I've passed this on and will update you shortly.",
];

const at = (base: Date, offsetMs: number): Date => new Date(base.getTime() + offsetMs);

/** Inserts rows in chunks of at most CHUNK per statement. */
async function insertAll<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await manager.insert(target, rows.slice(i, i + CHUNK) as QueryDeepPartialEntity<T>[]);
  }
}

/** Rows of every table, collected first and inserted in batches at the end. */
interface Rows {
  organizations: Organization[];
  users: User[];
  teams: Team[];
  members: TeamMember[];
  labels: Label[];
  contacts: Contact[];
  conversations: Conversation[];
  messages: Message[];
  assignments: Assignment[];
  notes: Note[];
  conversationLabels: ConversationLabel[];
  templates: Template[];
  templateEvents: TemplateEvent[];
}

function buildOrg(spec: OrgSpec, now: Date, rows: Rows, seed: DemoSeed): string {
  const orgId = newId();
  const orgCreated = at(now, -30 * DAY - (spec.slug === "acme" ? 0 : HOUR));
  rows.organizations.push({ id: orgId, name: spec.name, slug: spec.slug, createdAt: orgCreated });

  const userIds = new Map<string, string>();
  spec.users.forEach((u, i) => {
    const id = newId();
    userIds.set(u.email, id);
    seed.users[u.email] = id;
    rows.users.push({
      id, organizationId: orgId, email: u.email, name: u.name, role: u.role, active: true,
      lastActiveAt: at(now, -(i + 1) * 7 * MINUTE), createdAt: at(orgCreated, (i + 1) * MINUTE),
    });
  });
  const uid = (email: string): string => {
    const id = userIds.get(email);
    if (!id) throw new Error(`demo seed: unknown user ${email}`);
    return id;
  };

  const teamIds = new Map<string, string>();
  spec.teams.forEach((t, i) => {
    const id = newId();
    teamIds.set(t.name, id);
    seed.teams[`${spec.slug}/${t.name}`] = id;
    rows.teams.push({
      id, organizationId: orgId, name: t.name, agentVisibility: t.agentVisibility,
      unassignedAlertMinutes: t.unassignedAlertMinutes, idleAlertMinutes: 240, createdAt: at(orgCreated, HOUR + i * MINUTE),
    });
  });
  const tid = (name: string): string => {
    const id = teamIds.get(name);
    if (!id) throw new Error(`demo seed: unknown team ${name}`);
    return id;
  };
  spec.users.forEach((u, i) => {
    for (const team of u.teams) {
      rows.members.push({ teamId: tid(team), userId: uid(u.email), organizationId: orgId, joinedAt: at(orgCreated, DAY + i * MINUTE) });
    }
  });

  const activeLabelIds: string[] = [];
  spec.labels.forEach((l, i) => {
    const id = newId();
    if (!l.archived) activeLabelIds.push(id);
    rows.labels.push({
      id, organizationId: orgId, name: l.name, nameKey: l.name.toLowerCase(), color: l.color, archived: l.archived,
      createdAt: at(orgCreated, 2 * DAY + i * MINUTE),
    });
  });

  let wamid = 0;
  for (let n = 1; n <= CONVERSATIONS_PER_ORG; n++) {
    const team = spec.teams.find((t) => t.name === spec.teamOf(n));
    if (!team) throw new Error(`demo seed: no team for conversation ${n}`);
    const slot = PATTERN[(spec.slotOf(n) - 1) % PATTERN.length];
    const supervisor = uid(team.manager ?? spec.admin);
    let assigneeId: string | null = null;
    if (slot.assignee === "A") assigneeId = uid(team.agents[0]);
    else if (slot.assignee === "B") assigneeId = uid(team.agents[1]);
    else if (slot.assignee === "MANAGER" && team.manager) assigneeId = uid(team.manager);
    const status = slot.status;

    const inWindow = n <= 20;
    const createdAt = inWindow
      ? at(now, -(n * 55 + spec.timeShiftMinutes) * MINUTE)
      : at(now, -DAY - ((n - 20) * 600 + spec.timeShiftMinutes) * MINUTE);
    const step = (inWindow ? 7 : 40) * MINUTE;

    let count = 2 + (n % 4);
    const wantOdd = assigneeId === null && status === ConversationStatus.OPEN;
    const wantEven = status !== ConversationStatus.OPEN;
    if ((wantOdd && count % 2 === 0) || (wantEven && count % 2 === 1)) count = count === 5 ? 4 : count + 1;

    const contactId = newId();
    const phone = spec.phoneOf(n);
    rows.contacts.push({
      id: contactId, organizationId: orgId, name: `Customer ${n}`, phoneNumber: phone, whatsappId: phone.slice(1), createdAt,
    });

    const conversationId = newId();
    let lastInboundAt: Date | null = null;
    let lastAt = createdAt;
    const inbound = INBOUND_BODIES[team.name] ?? INBOUND_BODIES.Support;
    for (let j = 0; j < count; j++) {
      const time = at(createdAt, j * step);
      const isInbound = j % 2 === 0;
      wamid += 1;
      rows.messages.push({
        id: newId(), organizationId: orgId, conversationId,
        direction: isInbound ? MessageDirection.INBOUND : MessageDirection.OUTBOUND,
        body: isInbound ? inbound[(n + j) % inbound.length] : OUTBOUND_BODIES[(n + j) % OUTBOUND_BODIES.length],
        templateId: null,
        senderId: isInbound ? null : assigneeId,
        status: isInbound ? DeliveryStatus.RECEIVED : j === count - 1 ? DeliveryStatus.DELIVERED : DeliveryStatus.READ,
        externalId: `wamid.demo.${spec.slug}.${wamid}`,
        failureReason: null,
        createdAt: time,
      });
      if (isInbound) lastInboundAt = time;
      lastAt = time;
    }
    const endsInbound = count % 2 === 1;

    rows.conversations.push({
      id: conversationId, organizationId: orgId, teamId: tid(team.name), contactId, status,
      priority: PRIORITIES[n % PRIORITIES.length], assigneeId, version: 1, lastInboundAt,
      waitingSince: status === ConversationStatus.OPEN && endsInbound ? lastInboundAt : null,
      lastActivityAt: lastAt, createdAt, updatedAt: lastAt,
    });

    if (assigneeId) {
      const claimed = slot.claimed;
      rows.assignments.push({
        id: newId(), organizationId: orgId, conversationId, action: claimed ? "CLAIM" : "ASSIGN",
        fromAssigneeId: null, toAssigneeId: assigneeId, fromTeamId: null, toTeamId: null,
        assignedById: claimed ? assigneeId : supervisor, assignedByApiKeyId: null,
        reason: claimed ? "Claimed from the team queue" : `Routed to the ${team.name} team member with capacity`,
        createdAt: at(createdAt, MINUTE),
      });
    }

    if (n % 3 === 0) {
      const managersOnly = n % 4 === 0 || n % 4 === 1;
      rows.notes.push({
        id: newId(), organizationId: orgId, conversationId,
        authorId: managersOnly ? supervisor : assigneeId ?? uid(team.agents[0]),
        body: managersOnly
          ? `Coaching: keep the tone warm with Customer ${n} and confirm next steps in writing.`
          : `Customer ${n} prefers WhatsApp over email; checked the account history.`,
        visibility: managersOnly ? NoteVisibility.MANAGERS : NoteVisibility.TEAM,
        editedAt: null, deletedAt: null, createdAt: at(createdAt, 3 * MINUTE),
      });
    }

    const len = activeLabelIds.length;
    const r = n % 4;
    const q = Math.floor(n / 4);
    const labelIds = r === 0 ? [] : r === 1 ? [activeLabelIds[q % len]]
      : r === 2 ? [activeLabelIds[q % len], activeLabelIds[(q + 1) % len]] : [activeLabelIds[(q + 2) % len]];
    for (const labelId of labelIds) {
      rows.conversationLabels.push({
        conversationId, labelId, organizationId: orgId, appliedById: assigneeId, appliedAt: at(createdAt, 4 * MINUTE),
      });
    }
  }

  spec.templates.forEach((t, i) => {
    const id = newId();
    const createdAt = at(now, -20 * DAY + i * HOUR);
    const eventTimes = t.path.map((_, j) => at(createdAt, j * DAY));
    rows.templates.push({
      id, organizationId: orgId, name: t.name, language: "en", category: t.category, body: t.body,
      placeholders: t.placeholders, status: t.status, teamIds: t.teams.map(tid), createdById: uid(t.createdBy),
      lastEditedById: uid(t.createdBy), approvedById: t.approvedBy ? uid(t.approvedBy) : null,
      rejectionReason: t.rejectionReason ?? null, createdAt, updatedAt: eventTimes[eventTimes.length - 1],
    });
    t.path.forEach(([fromStatus, toStatus, actor, reason], j) => {
      rows.templateEvents.push({
        id: newId(), organizationId: orgId, templateId: id, fromStatus, toStatus, actorId: uid(actor), reason,
        createdAt: eventTimes[j],
      });
    });
  });

  return orgId;
}

/** Seeds the two demo organizations (see the header comment for the exact, test-relied-on content). */
export async function seedDemo(manager: EntityManager, now: Date = new Date()): Promise<DemoSeed> {
  const rows: Rows = {
    organizations: [], users: [], teams: [], members: [], labels: [], contacts: [], conversations: [],
    messages: [], assignments: [], notes: [], conversationLabels: [], templates: [], templateEvents: [],
  };
  const seed: DemoSeed = { organizations: { acme: "", globex: "" }, users: {}, teams: {} };
  seed.organizations.acme = buildOrg(ACME, now, rows, seed);
  seed.organizations.globex = buildOrg(GLOBEX, now, rows, seed);

  await insertAll(manager, Organization, rows.organizations);
  await insertAll(manager, User, rows.users);
  await insertAll(manager, Team, rows.teams);
  await insertAll(manager, TeamMember, rows.members);
  await insertAll(manager, Label, rows.labels);
  await insertAll(manager, Contact, rows.contacts);
  await insertAll(manager, Conversation, rows.conversations);
  await insertAll(manager, Message, rows.messages);
  await insertAll(manager, Assignment, rows.assignments);
  await insertAll(manager, Note, rows.notes);
  await insertAll(manager, ConversationLabel, rows.conversationLabels);
  await insertAll(manager, Template, rows.templates);
  await insertAll(manager, TemplateEvent, rows.templateEvents);
  return seed;
}

/** Whether any organization exists, so start-up seeds the demo only into an empty database. */
export async function isSeeded(manager: EntityManager): Promise<boolean> {
  return manager.exists(Organization);
}
