import { ApiScope } from "../entities/enums";
import type { Principal } from "../auth/principal";
import { canManageApiKeys, canReadAuditLog, canSearchByPhoneNumber, hasScope, isAdmin, isManagerOrAdmin, isUser } from "./policy";

/** Organization-wide things a viewer may do; per-object checks still happen on the server. */
export enum Capability {
  CLAIM_CONVERSATIONS = "CLAIM_CONVERSATIONS",
  ASSIGN_CONVERSATIONS = "ASSIGN_CONVERSATIONS",
  TRANSFER_CONVERSATIONS = "TRANSFER_CONVERSATIONS",
  ADD_NOTES = "ADD_NOTES",
  ADD_MANAGER_NOTES = "ADD_MANAGER_NOTES",
  DELETE_NOTES = "DELETE_NOTES",
  MANAGE_LABELS = "MANAGE_LABELS",
  APPLY_LABELS = "APPLY_LABELS",
  MANAGE_TEMPLATES = "MANAGE_TEMPLATES",
  APPROVE_TEMPLATES = "APPROVE_TEMPLATES",
  READ_AUDIT_LOG = "READ_AUDIT_LOG",
  READ_ALL_PHONE_NUMBERS = "READ_ALL_PHONE_NUMBERS",
  VIEW_ASSIGNMENT_HISTORY = "VIEW_ASSIGNMENT_HISTORY",
  MANAGE_USERS = "MANAGE_USERS",
  MANAGE_TEAMS = "MANAGE_TEAMS",
  MANAGE_API_KEYS = "MANAGE_API_KEYS",
}

/** Each capability with the policy statement that grants it (POLICY.md, Mutations). */
const grants: Record<Capability, (p: Principal) => boolean> = {
  [Capability.CLAIM_CONVERSATIONS]: isUser,
  [Capability.ASSIGN_CONVERSATIONS]: (p) => isManagerOrAdmin(p) || hasScope(p, ApiScope.ASSIGNMENTS_WRITE),
  [Capability.TRANSFER_CONVERSATIONS]: (p) => isManagerOrAdmin(p) || hasScope(p, ApiScope.ASSIGNMENTS_WRITE),
  [Capability.ADD_NOTES]: (p) => isUser(p) || hasScope(p, ApiScope.NOTES_WRITE),
  [Capability.ADD_MANAGER_NOTES]: isManagerOrAdmin,
  [Capability.DELETE_NOTES]: isAdmin,
  [Capability.MANAGE_LABELS]: isManagerOrAdmin,
  [Capability.APPLY_LABELS]: isUser,
  [Capability.MANAGE_TEMPLATES]: isManagerOrAdmin,
  [Capability.APPROVE_TEMPLATES]: isAdmin,
  [Capability.READ_AUDIT_LOG]: canReadAuditLog,
  [Capability.READ_ALL_PHONE_NUMBERS]: canSearchByPhoneNumber,
  [Capability.VIEW_ASSIGNMENT_HISTORY]: isManagerOrAdmin,
  [Capability.MANAGE_USERS]: isAdmin,
  [Capability.MANAGE_TEAMS]: isAdmin,
  [Capability.MANAGE_API_KEYS]: canManageApiKeys,
};

/** The capabilities a principal holds, in a stable order. */
export const capabilitiesOf = (p: Principal): Capability[] =>
  (Object.keys(grants) as Capability[]).filter((c) => grants[c](p));
