import { newId } from "../../src/entities/columns";
import { Contact } from "../../src/entities/Contact";
import { Conversation } from "../../src/entities/Conversation";
import { AuditEntry } from "../../src/entities/AuditEntry";
import { Assignment } from "../../src/entities/Assignment";
import { ConversationStatus, Priority, Role } from "../../src/entities/enums";
import { TeamMember } from "../../src/entities/TeamMember";
import { User } from "../../src/entities/User";
import type { TestApp } from "./testApp";

/** Adds `n` active agents to a demo team ("acme/Sales"); returns their emails. */
export async function buildAgents(app: TestApp, team: string, n: number, prefix = "agent"): Promise<string[]> {
  const teamId = app.seed.teams[team];
  const organizationId = team.startsWith("acme") ? app.seed.organizations.acme : app.seed.organizations.globex;
  const users = Array.from({ length: n }, (_, i) => ({
    id: newId(), organizationId, email: `${prefix}${i}.${Date.now()}@acme.test`, name: `${prefix} ${i}`, role: Role.AGENT,
    active: true, lastActiveAt: null, createdAt: new Date(),
  }));
  await app.db.manager.insert(User, users);
  await app.db.manager.insert(TeamMember, users.map((u) => ({ teamId, userId: u.id, organizationId, joinedAt: new Date() })));
  for (const u of users) app.seed.users[u.email] = u.id;
  return users.map((u) => u.email);
}

/** Adds `n` open, unassigned conversations (each with its own contact) to a demo team. */
export async function buildConversations(app: TestApp, team: string, n: number): Promise<string[]> {
  const teamId = app.seed.teams[team];
  const organizationId = team.startsWith("acme") ? app.seed.organizations.acme : app.seed.organizations.globex;
  const base = Date.now();
  const contacts = Array.from({ length: n }, (_, i) => ({
    id: newId(), organizationId, name: `Extra ${i}`, phoneNumber: `+4479${String(base % 1e6).padStart(6, "0")}${String(i).padStart(3, "0")}`,
    whatsappId: `4479${String(base % 1e6).padStart(6, "0")}${String(i).padStart(3, "0")}`, createdAt: new Date(base),
  }));
  await app.db.manager.insert(Contact, contacts);
  const conversations = contacts.map((c, i) => ({
    id: newId(), organizationId, teamId, contactId: c.id, status: ConversationStatus.OPEN, priority: Priority.NORMAL, assigneeId: null,
    version: 1, lastInboundAt: new Date(base), waitingSince: new Date(base), lastActivityAt: new Date(base),
    createdAt: new Date(base - 1000 * (i + 1)), updatedAt: new Date(base),
  }));
  await app.db.manager.insert(Conversation, conversations);
  return conversations.map((c) => c.id);
}

/** Audit entries about one target, oldest first. */
export const auditOf = (app: TestApp, targetId: string): Promise<AuditEntry[]> =>
  app.db.manager.find(AuditEntry, { where: { targetId }, order: { seq: "ASC" } });

/** Assignment history of one conversation, oldest first. */
export const historyOf = (app: TestApp, conversationId: string): Promise<Assignment[]> =>
  app.db.manager.find(Assignment, { where: { conversationId }, order: { createdAt: "ASC", id: "ASC" } });

/** Reads one conversation row directly, bypassing the API. */
export const conversationRow = (app: TestApp, id: string): Promise<Conversation> =>
  app.db.manager.findOneByOrFail(Conversation, { id });
