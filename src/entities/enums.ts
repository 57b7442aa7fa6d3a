import { registerEnumType } from "type-graphql";

/** Roles a user can hold; API keys have none (they carry scopes instead). */
export enum Role { AGENT = "AGENT", MANAGER = "MANAGER", ADMIN = "ADMIN" }
/** How much of a team's queue its agents see (POLICY.md, Rows). */
export enum AgentVisibility { TEAM = "TEAM", ASSIGNED_AND_UNASSIGNED = "ASSIGNED_AND_UNASSIGNED", ASSIGNED_ONLY = "ASSIGNED_ONLY" }
export enum ConversationStatus { OPEN = "OPEN", PENDING = "PENDING", RESOLVED = "RESOLVED" }
export enum Priority { LOW = "LOW", NORMAL = "NORMAL", HIGH = "HIGH", URGENT = "URGENT" }
export enum MessageDirection { INBOUND = "INBOUND", OUTBOUND = "OUTBOUND" }
export enum DeliveryStatus { RECEIVED = "RECEIVED", QUEUED = "QUEUED", SENT = "SENT", DELIVERED = "DELIVERED", READ = "READ", FAILED = "FAILED" }
export enum NoteVisibility { TEAM = "TEAM", MANAGERS = "MANAGERS" }
export enum TemplateCategory { MARKETING = "MARKETING", UTILITY = "UTILITY", AUTHENTICATION = "AUTHENTICATION" }
export enum TemplateStatus {
  DRAFT = "DRAFT", PENDING_APPROVAL = "PENDING_APPROVAL", APPROVED = "APPROVED", REJECTED = "REJECTED",
  PAUSED = "PAUSED", DISABLED = "DISABLED", ARCHIVED = "ARCHIVED",
}
export enum ActorType { USER = "USER", API_KEY = "API_KEY", SYSTEM = "SYSTEM" }
export enum AuditOutcome { SUCCESS = "SUCCESS", DENIED = "DENIED", CONFLICT = "CONFLICT" }
/** Scopes an API key can be granted (POLICY.md, Principals). */
export enum ApiScope {
  CONVERSATIONS_READ = "conversations:read",
  ASSIGNMENTS_WRITE = "assignments:write",
  NOTES_WRITE = "notes:write",
  CONTACTS_READ_PII = "contacts:read_pii",
}

registerEnumType(Role, { name: "Role" });
registerEnumType(AgentVisibility, { name: "AgentVisibility" });
registerEnumType(ConversationStatus, { name: "ConversationStatus" });
registerEnumType(Priority, { name: "Priority" });
registerEnumType(MessageDirection, { name: "MessageDirection" });
registerEnumType(DeliveryStatus, { name: "DeliveryStatus" });
registerEnumType(NoteVisibility, { name: "NoteVisibility" });
registerEnumType(TemplateCategory, { name: "TemplateCategory" });
registerEnumType(TemplateStatus, { name: "TemplateStatus" });
registerEnumType(ActorType, { name: "ActorType" });
registerEnumType(AuditOutcome, { name: "AuditOutcome" });
registerEnumType(ApiScope, { name: "ApiScope" });
