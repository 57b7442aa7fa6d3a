/**
 * The governance rulebook as plain functions of (principal, target). No GraphQL or HTTP here:
 * the same function serves shield rules, row scopes, subscription filters and `Viewer.can`.
 */
import { ApiScope, NoteVisibility, Role, TemplateStatus } from "../entities/enums";
import type { Principal } from "../auth/principal";

export const isUser = (p: Principal): boolean => p.kind === "USER";
export const isAdmin = (p: Principal): boolean => p.kind === "USER" && p.role === Role.ADMIN;
export const isManager = (p: Principal): boolean => p.kind === "USER" && p.role === Role.MANAGER;
export const isAgent = (p: Principal): boolean => p.kind === "USER" && p.role === Role.AGENT;
export const isManagerOrAdmin = (p: Principal): boolean => isManager(p) || isAdmin(p);

/** An API key holds a scope; users hold none (their role decides). */
export const hasScope = (p: Principal, scope: ApiScope): boolean => p.kind === "API_KEY" && p.scopes.has(scope);

/**
 * A principal reaches a team when it is an admin, a member, or an API key granted the team.
 * The team must already be known to belong to the principal's organization (load it through an
 * organization-scoped query first): an ADMIN's reach stops at their tenant.
 */
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

// ── Mutations (POLICY.md, Mutations). `c` is a conversation the caller has already loaded. ──

type ConversationRef = { teamId: string; assigneeId: string | null };

/** Claiming: a user who sees the conversation (its unassigned state, since claims need that). */
export const canClaim = (p: Principal, seesItUnassigned: boolean): boolean => isUser(p) && seesItUnassigned;

/** Assigning: a MANAGER of the team, ADMIN, or an API key with `assignments:write` on the team. */
export const canAssign = (p: Principal, c: ConversationRef): boolean =>
  supervisesTeam(p, c.teamId) || (hasScope(p, ApiScope.ASSIGNMENTS_WRITE) && reachesTeam(p, c.teamId));

/** Unassigning: the current assignee, or whoever may assign it. */
export const canUnassign = (p: Principal, c: ConversationRef): boolean =>
  (p.kind === "USER" && c.assigneeId === p.id) || canAssign(p, c);

/** Transferring: a MANAGER of the source team, ADMIN, or an API key with `assignments:write` on both teams. */
export const canTransfer = (p: Principal, c: ConversationRef, toTeamId: string): boolean =>
  supervisesTeam(p, c.teamId) || (hasScope(p, ApiScope.ASSIGNMENTS_WRITE) && reachesTeam(p, c.teamId) && reachesTeam(p, toTeamId));

/** Changing status: the assignee, a MANAGER of the team, or ADMIN. */
export const canSetStatus = (p: Principal, c: ConversationRef): boolean =>
  (p.kind === "USER" && c.assigneeId === p.id) || supervisesTeam(p, c.teamId);

/** Adding a note to a visible conversation: users, and API keys with `notes:write`. */
export const canAddNote = (p: Principal, visibility: NoteVisibility): boolean =>
  (isUser(p) || hasScope(p, ApiScope.NOTES_WRITE)) && (visibility === NoteVisibility.TEAM || isManagerOrAdmin(p));

/** How long an author may still edit their note. */
export const NOTE_EDIT_WINDOW_MS = 15 * 60 * 1000;

/** Editing a note: its author, within 15 minutes of writing it. */
export const canEditNote = (p: Principal, note: { authorId: string; createdAt: Date }, now: Date): boolean =>
  p.kind === "USER" && p.id === note.authorId && now.getTime() - note.createdAt.getTime() <= NOTE_EDIT_WINDOW_MS;

/** Deleting a note (soft): ADMIN. */
export const canDeleteNote = isAdmin;

/** The label taxonomy is governed: MANAGER and ADMIN curate it. */
export const canManageLabels = isManagerOrAdmin;

/** Applying or removing a label: any user who sees the conversation. */
export const canLabelConversation = isUser;

/** Archived labels stay on the conversations that have them but cannot be applied again. */
export const isApplicableLabel = (label: { archived: boolean }): boolean => !label.archived;

// ── Templates and messaging (POLICY.md, Mutations: createTemplate … sendTemplate). ──

/** Writing templates (create, update): MANAGER and ADMIN. */
export const canManageTemplates = isManagerOrAdmin;

/** A template is edited only while nobody reviews or sends it: in DRAFT or REJECTED. */
export const isTemplateEditable = (t: { status: TemplateStatus }): boolean =>
  t.status === TemplateStatus.DRAFT || t.status === TemplateStatus.REJECTED;

/** Submitting a template for approval: its author (even if since demoted), MANAGER, or ADMIN. */
export const canSubmitTemplate = (p: Principal, t: { createdById: string }): boolean =>
  (p.kind === "USER" && p.id === t.createdById) || isManagerOrAdmin(p);

/** Approving or rejecting a template (four eyes): an ADMIN who is neither its author nor its last editor. */
export const canApproveTemplate = (p: Principal, t: { createdById: string; lastEditedById: string | null }): boolean =>
  isAdmin(p) && p.kind === "USER" && p.id !== t.createdById && p.id !== t.lastEditedById;

/** Archiving a template: ADMIN. */
export const canArchiveTemplate = isAdmin;

/** A template serves a team when it names no teams (every team may use it) or names that team. */
export const isTemplateUsableBy = (t: { teamIds: readonly string[] }, teamId: string): boolean =>
  t.teamIds.length === 0 || t.teamIds.includes(teamId);

/** Only APPROVED templates are sent; PAUSED, DISABLED and every other status never are. */
export const isTemplateSendable = (t: { status: TemplateStatus }): boolean => t.status === TemplateStatus.APPROVED;

/** WhatsApp's customer service window: free text is allowed this long after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Whether the customer service window is open: the last inbound message is less than 24 hours old. */
export const isInsideServiceWindow = (c: { lastInboundAt: Date | null }, now: Date): boolean =>
  c.lastInboundAt !== null && now.getTime() - c.lastInboundAt.getTime() < SERVICE_WINDOW_MS;

/** Sending to the customer (free text or a template): the conversation's current assignee only. */
export const canSendMessage = (p: Principal, c: ConversationRef): boolean => p.kind === "USER" && c.assigneeId === p.id;

/** People, teams and keys: ADMIN. */
export const canManageUsers = isAdmin;
export const canManageTeams = isAdmin;

/** Role changes and deactivation: an ADMIN, never on themself (no self-promotion, no self-lockout). */
export const canAdministerUser = (p: Principal, target: { id: string }): boolean =>
  canManageUsers(p) && !(p.kind === "USER" && p.id === target.id);

/** The organization must keep an active ADMIN: taking `targetId` out of `activeAdminIds` must leave one. */
export const keepsAnActiveAdmin = (activeAdminIds: readonly string[], targetId: string): boolean =>
  activeAdminIds.some((id) => id !== targetId);

// ── Subscriptions (POLICY.md, Subscriptions) ──

/** Watching a team's live queue: a MANAGER of the team, or ADMIN. */
export const canWatchQueue = supervisesTeam;

/** Having one's own assignments pushed: any user. */
export const canWatchOwnAssignments = isUser;

/** The ownership-gap review of a team: a MANAGER of the team, or ADMIN. */
export const canReviewOwnership = supervisesTeam;
