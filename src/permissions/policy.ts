/**
 * The governance rulebook as plain functions of (principal, target). No GraphQL or HTTP here:
 * the same function serves shield rules, row scopes, subscription filters and `Viewer.can`.
 */
import { ApiScope, NoteVisibility, Role } from "../entities/enums";
import type { Principal } from "../auth/principal";

export const isUser = (p: Principal): boolean => p.kind === "USER";
export const isAdmin = (p: Principal): boolean => p.kind === "USER" && p.role === Role.ADMIN;
export const isManager = (p: Principal): boolean => p.kind === "USER" && p.role === Role.MANAGER;
export const isAgent = (p: Principal): boolean => p.kind === "USER" && p.role === Role.AGENT;
export const isManagerOrAdmin = (p: Principal): boolean => isManager(p) || isAdmin(p);

/** An API key holds a scope; users hold none (their role decides). */
export const hasScope = (p: Principal, scope: ApiScope): boolean => p.kind === "API_KEY" && p.scopes.has(scope);

/** A principal reaches a team when it is an admin, a member, or an API key granted the team. */
export function reachesTeam(p: Principal, teamId: string): boolean {
  if (p.kind === "SYSTEM" || isAdmin(p)) return true;
  return p.teams.some((t) => t.teamId === teamId);
}

/** Supervising a team: an ADMIN, or a MANAGER who is a member of it. */
export const supervisesTeam = (p: Principal, teamId: string): boolean =>
  isAdmin(p) || (isManager(p) && reachesTeam(p, teamId));

/** Whether two sets of team ids overlap. */
const sharesTeam = (p: Principal, teamIds: readonly string[]): boolean =>
  p.kind !== "SYSTEM" && p.teams.some((t) => teamIds.includes(t.teamId));

/** Conversations can be read by users, and by API keys granted `conversations:read`. */
export const canReadConversations = (p: Principal): boolean => isUser(p) || hasScope(p, ApiScope.CONVERSATIONS_READ);

/**
 * A contact's phone number and WhatsApp id: ADMIN, MANAGER, an API key with `contacts:read_pii`,
 * or the AGENT currently assigned to one of the contact's (not resolved) conversations.
 */
export function canReadContactPii(p: Principal, currentAssigneeIds: ReadonlySet<string>): boolean {
  if (isManagerOrAdmin(p) || hasScope(p, ApiScope.CONTACTS_READ_PII)) return true;
  return isAgent(p) && p.kind === "USER" && currentAssigneeIds.has(p.id);
}

/** Searching by phone number would reveal it, so only those who may read every number may. */
export const canSearchByPhoneNumber = (p: Principal): boolean =>
  isManagerOrAdmin(p) || hasScope(p, ApiScope.CONTACTS_READ_PII);

/** A user's email: themself, a MANAGER sharing a team with them, or ADMIN. */
export function canReadUserEmail(p: Principal, target: { id: string; teamIds: readonly string[] }): boolean {
  if (p.kind === "USER" && p.id === target.id) return true;
  return canReadUserActivity(p, target);
}

/** A user's activity and workload: a MANAGER sharing a team with them, or ADMIN. */
export const canReadUserActivity = (p: Principal, target: { teamIds: readonly string[] }): boolean =>
  isAdmin(p) || (isManager(p) && sharesTeam(p, target.teamIds));

/** Who reassigned what, when: supervisors only. */
export const canReadAssignmentHistory = isManagerOrAdmin;

/** Notes written for managers are absent (not an error) for everyone else. */
export const canReadNote = (p: Principal, note: { visibility: NoteVisibility }): boolean =>
  note.visibility === NoteVisibility.TEAM || isManagerOrAdmin(p);

/** Templates are listed to users; API keys have no template scope. */
export const canListTemplates = isUser;

/** Rejection reasons, authorship and approval history of templates: supervisors only. */
export const canReadTemplateGovernance = isManagerOrAdmin;

/** The audit log: ADMIN (everything) and MANAGER (entries about their teams). */
export const canReadAuditLog = isManagerOrAdmin;

/** Where an audited request came from (IP, user agent): ADMIN only. */
export const canReadAuditNetwork = isAdmin;

/** API keys are credentials: only ADMIN sees or manages them. */
export const canManageApiKeys = isAdmin;

/** A team's queue snapshot: anyone who reaches the team and may read conversations. */
export const canViewQueue = (p: Principal, teamId: string): boolean => canReadConversations(p) && reachesTeam(p, teamId);

/** The supervisor-only parts of a queue snapshot (pending, per assignee, oldest age). */
export const canViewQueueDetail = supervisesTeam;
