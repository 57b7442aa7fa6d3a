/**
 * Row scopes: principal → a constraint ANDed into every read of conversations (single fetch,
 * list, count, queue snapshot, subscription event). One definition, two interpreters: SQL for
 * queries and a predicate for rows already in memory, so the two can never disagree.
 */
import { Brackets, ObjectLiteral, SelectQueryBuilder, WhereExpressionBuilder } from "typeorm";
import { AgentVisibility, TemplateStatus } from "../entities/enums";
import type { Principal } from "../auth/principal";
import { canReadConversations, isAdmin, isManager, isUser } from "./policy";

/** What a principal sees of one team's conversations. */
export type TeamReach = "ALL" | "UNASSIGNED_OR_MINE" | "MINE";

export interface ConversationScope {
  organizationId: string;
  /** true: every conversation of the organization. */
  everything: boolean;
  /** The viewer's user id, for "assigned to me" clauses. */
  userId: string | null;
  teams: { teamId: string; reach: TeamReach }[];
}

const reachForAgent = (v: AgentVisibility): TeamReach =>
  v === AgentVisibility.TEAM ? "ALL" : v === AgentVisibility.ASSIGNED_ONLY ? "MINE" : "UNASSIGNED_OR_MINE";

/** The conversations a principal may see (POLICY.md, Rows). */
export function conversationScope(p: Principal): ConversationScope {
  const base = { organizationId: p.organizationId, userId: p.kind === "USER" ? p.id : null };
  if (p.kind === "SYSTEM" || isAdmin(p)) return { ...base, everything: true, teams: [] };
  if (!canReadConversations(p)) return { ...base, everything: false, teams: [] };
  const agent = isUser(p) && !isManager(p);
  const teams = p.teams.map((t) => ({ teamId: t.teamId, reach: agent ? reachForAgent(t.agentVisibility) : ("ALL" as TeamReach) }));
  return { ...base, everything: false, teams };
}

/** The scope as a predicate, for rows already loaded (events, notifications). */
export function conversationVisible(scope: ConversationScope, c: { organizationId: string; teamId: string; assigneeId: string | null }): boolean {
  if (c.organizationId !== scope.organizationId) return false;
  if (scope.everything) return true;
  return scope.teams.some((t) =>
    t.teamId === c.teamId &&
    (t.reach === "ALL" ||
      (t.reach === "MINE" && c.assigneeId !== null && c.assigneeId === scope.userId) ||
      (t.reach === "UNASSIGNED_OR_MINE" && (c.assigneeId === null || c.assigneeId === scope.userId))));
}

let paramSeq = 0;

/** The scope as SQL, ANDed into a query over conversations aliased `alias`. */
export function applyConversationScope<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, scope: ConversationScope): SelectQueryBuilder<T> {
  const n = ++paramSeq % 1_000_000;
  qb.andWhere(`${alias}.organizationId = :scopeOrg${n}`, { [`scopeOrg${n}`]: scope.organizationId });
  if (scope.everything) return qb;
  if (scope.teams.length === 0) return qb.andWhere("1 = 0");
  return qb.andWhere(new Brackets((outer: WhereExpressionBuilder) => {
    scope.teams.forEach((t, i) => {
      const team = `scopeTeam${n}_${i}`;
      const me = `scopeMe${n}`;
      outer.orWhere(new Brackets((inner) => {
        inner.where(`${alias}.teamId = :${team}`, { [team]: t.teamId });
        if (t.reach === "MINE") inner.andWhere(`${alias}.assigneeId = :${me}`, { [me]: scope.userId });
        if (t.reach === "UNASSIGNED_OR_MINE") {
          inner.andWhere(new Brackets((b) => b.where(`${alias}.assigneeId IS NULL`).orWhere(`${alias}.assigneeId = :${me}`, { [me]: scope.userId })));
        }
      }));
    });
  }));
}

/** Teams a principal may list: all of the organization for ADMIN, otherwise its own. */
export const teamScope = (p: Principal): { organizationId: string; teamIds: string[] | "ALL" } =>
  ({ organizationId: p.organizationId, teamIds: p.kind === "SYSTEM" || isAdmin(p) ? "ALL" : p.teams.map((t) => t.teamId) });

/** Audit entries a principal may read: ADMIN all, MANAGER those about their teams, others none. */
export function auditScope(p: Principal): { organizationId: string; teamIds: string[] | "ALL" } {
  if (p.kind === "SYSTEM" || isAdmin(p)) return { organizationId: p.organizationId, teamIds: "ALL" };
  if (isManager(p)) return { organizationId: p.organizationId, teamIds: p.teams.map((t) => t.teamId) };
  return { organizationId: p.organizationId, teamIds: [] };
}

/** Templates: supervisors see every one; agents only APPROVED ones usable by one of their teams. */
export function templateVisible(p: Principal, t: { organizationId: string; status: TemplateStatus; teamIds: string[] }): boolean {
  if (t.organizationId !== p.organizationId) return false;
  if (p.kind === "SYSTEM" || isAdmin(p) || isManager(p)) return true;
  if (p.kind !== "USER" || t.status !== TemplateStatus.APPROVED) return false;
  return t.teamIds.length === 0 || p.teams.some((g) => t.teamIds.includes(g.teamId));
}

/**
 * What a scope sees of one team, as a key: principals with the same key see exactly the same
 * rows of that team, so per-event work (snapshots) can be shared between them.
 */
export function teamReachKey(scope: ConversationScope, teamId: string): string {
  if (scope.everything) return "ALL";
  const reach = scope.teams.find((t) => t.teamId === teamId)?.reach;
  if (!reach) return "NONE";
  return reach === "ALL" ? "ALL" : `${reach}:${scope.userId}`;
}
