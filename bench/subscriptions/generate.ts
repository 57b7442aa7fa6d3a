import { EntityManager } from "typeorm";
import type { Database } from "../../src/db";
import { newId } from "../../src/entities/columns";
import { Contact } from "../../src/entities/Contact";
import { Conversation } from "../../src/entities/Conversation";
import { AgentVisibility, ConversationStatus, Priority, Role } from "../../src/entities/enums";
import { Organization } from "../../src/entities/Organization";
import { Team } from "../../src/entities/Team";
import { TeamMember } from "../../src/entities/TeamMember";
import { User } from "../../src/entities/User";

/** What the benchmark needs to know about the organization it generated. */
export interface GeneratedOrg {
  organizationId: string;
  slug: string;
  adminId: string;
  teams: GeneratedTeam[];
}

export interface GeneratedTeam {
  id: string;
  name: string;
  managerIds: string[];
  agentIds: string[];
  /** Open conversations of the team with their assignee at start. */
  conversations: { id: string; assigneeId: string | null }[];
}

export interface GenerateSpec {
  teams: number;
  managers: number;
  agentsPerTeam: number;
  conversationsPerTeam: number;
}

const BATCH = 400;

async function insertBatches<T extends object>(manager: EntityManager, entity: new () => T, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await manager.insert(entity, rows.slice(i, i + BATCH) as never);
}

/**
 * Inserts one organization directly (not through the API, which would audit every row): an
 * ADMIN, `teams` teams, `managers` MANAGERs spread evenly over them (each a member of exactly
 * one team), agents, and open conversations each with its own contact, half of them assigned.
 */
export async function generateOrganization(db: Database, spec: GenerateSpec, now = new Date()): Promise<GeneratedOrg> {
  const run = `${now.getTime().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const slug = `bench-${run}`;
  const organizationId = newId();
  const user = (role: Role, name: string, email: string) => ({
    id: newId(), organizationId, email: `${email}@${slug}.bench`, name, role, active: true, lastActiveAt: null, createdAt: now,
  });
  const admin = user(Role.ADMIN, "Bench Admin", "admin");
  const teams: GeneratedTeam[] = Array.from({ length: spec.teams }, (_, t) => ({
    id: newId(), name: `Team ${String(t + 1).padStart(2, "0")}`, managerIds: [], agentIds: [], conversations: [],
  }));
  const users: ReturnType<typeof user>[] = [admin];
  const members: TeamMember[] = [];
  const join = (teamId: string, userId: string) => members.push(Object.assign(new TeamMember(), { teamId, userId, organizationId, joinedAt: now }));
  for (let i = 0; i < spec.managers; i++) {
    const team = teams[i % teams.length];
    const u = user(Role.MANAGER, `Manager ${i + 1}`, `manager${i + 1}`);
    users.push(u);
    team.managerIds.push(u.id);
    join(team.id, u.id);
  }
  const contacts: object[] = [];
  const conversations: object[] = [];
  teams.forEach((team, t) => {
    for (let a = 0; a < spec.agentsPerTeam; a++) {
      const u = user(Role.AGENT, `Agent ${t + 1}.${a + 1}`, `agent${t + 1}-${a + 1}`);
      users.push(u);
      team.agentIds.push(u.id);
      join(team.id, u.id);
    }
    for (let c = 0; c < spec.conversationsPerTeam; c++) {
      const n = t * spec.conversationsPerTeam + c;
      const contactId = newId();
      const phone = `4479${String(n).padStart(8, "0")}`;
      contacts.push({ id: contactId, organizationId, name: `Customer ${n + 1}`, phoneNumber: `+${phone}`, whatsappId: phone, createdAt: now });
      const assigneeId = c % 2 === 0 ? team.agentIds[c % team.agentIds.length] : null;
      const created = new Date(now.getTime() - (c + 1) * 60_000);
      const id = newId();
      conversations.push({
        id, organizationId, teamId: team.id, contactId, status: ConversationStatus.OPEN, priority: Priority.NORMAL, assigneeId,
        version: 1, lastInboundAt: created, waitingSince: created, lastActivityAt: created, createdAt: created, updatedAt: created,
      });
      team.conversations.push({ id, assigneeId });
    }
  });

  await db.transaction(async (m) => {
    await m.insert(Organization, { id: organizationId, name: `Bench ${run}`, slug, createdAt: now });
    await insertBatches(m, Team, teams.map((t) => ({
      id: t.id, organizationId, name: t.name, agentVisibility: AgentVisibility.ASSIGNED_AND_UNASSIGNED,
      unassignedAlertMinutes: 15, idleAlertMinutes: 240, createdAt: now,
    })));
    await insertBatches(m, User, users);
    await insertBatches(m, TeamMember, members);
    await insertBatches(m, Contact, contacts);
    await insertBatches(m, Conversation, conversations);
  });
  return { organizationId, slug, adminId: admin.id, teams };
}
