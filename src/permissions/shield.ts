/**
 * The permission map: every field of every object type, named with the rule that guards it.
 * Nothing else lives here. Unlisted types and fields fall to `deny`, and a test fails when the
 * schema has a field this map does not classify.
 */
import { GraphQLError } from "graphql";
import { shield } from "graphql-shield";
import { ErrorCode } from "../errors";
import { RuleName, rules, ShieldRule } from "./rules";

type FieldMap = Record<string, RuleName>;

/** Every field of a type that anyone who can see the parent may read. */
const visibleWithParent = (...fields: string[]): FieldMap =>
  Object.fromEntries(fields.map((f) => [f, "whoeverSeesParent" as RuleName]));

export const permissionMap: Record<string, FieldMap> = {
  Query: {
    me: "signedIn",
    conversation: "conversationReader",
    conversations: "conversationReader",
    queue: "conversationReader",
    teams: "signedIn",
    users: "signedIn",
    labels: "signedIn",
    templates: "templateReader",
    auditEntries: "auditReader",
    apiKeys: "admin",
    ownershipGaps: "user",
  },
  Mutation: {
    claimConversation: "userMutation",
    assignConversation: "assignmentWriter",
    unassignConversation: "assignmentActor",
    transferConversation: "assignmentWriter",
    setConversationStatus: "userMutation",
    addNote: "noteWriter",
    editNote: "userMutation",
    deleteNote: "adminMutation",
    createLabel: "managerMutation",
    renameLabel: "managerMutation",
    archiveLabel: "managerMutation",
    applyLabel: "userMutation",
    removeLabel: "userMutation",
    setUserRole: "adminMutation",
    deactivateUser: "adminMutation",
    addTeamMember: "adminMutation",
    removeTeamMember: "adminMutation",
    updateTeamSettings: "adminMutation",
    createApiKey: "adminMutation",
    revokeApiKey: "adminMutation",
    createTemplate: "managerMutation",
    updateTemplate: "managerMutation",
    submitTemplate: "userMutation",
    approveTemplate: "adminMutation",
    rejectTemplate: "adminMutation",
    archiveTemplate: "adminMutation",
    sendMessage: "userMutation",
    sendTemplate: "userMutation",
  },
  Subscription: {
    queueChanged: "queueWatcher",
    myAssignments: "liveUser",
  },
  OwnershipGap: visibleWithParent("conversation", "reasons"),
  QueueChangedEvent: visibleWithParent("type", "teamId", "conversationId", "conversation", "queue", "at"),
  AssignmentEvent: visibleWithParent("type", "conversationId", "conversation", "at"),
  Viewer: visibleWithParent("kind", "user", "organization", "role", "teams", "scopes", "can"),
  Organization: visibleWithParent("id", "name", "slug"),
  Conversation: {
    ...visibleWithParent("id", "status", "priority", "version", "lastInboundAt", "waitingSince", "lastActivityAt",
      "createdAt", "updatedAt", "team", "contact", "assignee", "labels", "notes", "messages", "insideServiceWindow"),
    assignmentHistory: "managerOrAdmin",
  },
  ConversationConnection: visibleWithParent("edges", "nodes", "pageInfo", "totalCount"),
  ConversationEdge: visibleWithParent("cursor", "node"),
  PageInfo: visibleWithParent("hasNextPage", "endCursor"),
  Contact: {
    ...visibleWithParent("id", "name", "maskedPhoneNumber"),
    phoneNumber: "contactPiiReader",
    whatsappId: "contactPiiReader",
  },
  User: {
    ...visibleWithParent("id", "name", "role", "active", "teams"),
    email: "emailReader",
    lastActiveAt: "userSupervisor",
    openAssignmentCount: "userSupervisor",
  },
  Team: visibleWithParent("id", "name", "agentVisibility", "unassignedAlertMinutes", "idleAlertMinutes", "members"),
  Label: visibleWithParent("id", "name", "color", "archived"),
  Note: visibleWithParent("id", "body", "visibility", "editedAt", "createdAt", "author"),
  Message: visibleWithParent("id", "direction", "body", "status", "failureReason", "createdAt", "sender"),
  Assignment: visibleWithParent("id", "action", "reason", "createdAt", "fromAssignee", "toAssignee", "fromTeam", "toTeam", "assignedBy"),
  QueueSnapshot: {
    ...visibleWithParent("teamId", "open", "unassigned", "generatedAt", "alertAfterMinutes"),
    pending: "queueSupervisor",
    oldestUnassignedAgeSeconds: "queueSupervisor",
    byAssignee: "queueSupervisor",
    pastAlertCount: "queueSupervisor",
    pastAlert: "queueSupervisor",
  },
  AssigneeLoad: visibleWithParent("assignee", "open", "pending"),
  Template: {
    ...visibleWithParent("id", "name", "language", "category", "body", "placeholders", "status", "createdAt", "updatedAt", "teams"),
    rejectionReason: "managerOrAdmin",
    createdBy: "managerOrAdmin",
    lastEditedBy: "managerOrAdmin",
    approvedBy: "managerOrAdmin",
    history: "managerOrAdmin",
  },
  TemplateEvent: visibleWithParent("id", "fromStatus", "toStatus", "reason", "createdAt", "actor"),
  AuditEntry: {
    ...visibleWithParent("id", "seq", "teamId", "actorType", "actorId", "actorRole", "action", "targetType", "targetId",
      "outcome", "before", "after", "requestId", "createdAt", "prevHash", "hash"),
    ipAddress: "admin",
    userAgent: "admin",
  },
  AuditEntryConnection: visibleWithParent("edges", "nodes", "pageInfo", "totalCount"),
  AuditEntryEdge: visibleWithParent("cursor", "node"),
  ApiKey: visibleWithParent("id", "name", "scopes", "teamIds", "revokedAt", "createdAt"),
  CreatedApiKey: visibleWithParent("apiKey", "secret", "authorization"),
};

/** The error a denied field or operation carries: FORBIDDEN, no stack, nothing else revealed. */
export const forbiddenError = (): GraphQLError =>
  new GraphQLError("Not allowed", { extensions: { code: ErrorCode.FORBIDDEN } });

/** graphql-shield middleware built from the map; deny is the fallback for anything unlisted. */
export function buildShield() {
  const tree: Record<string, Record<string, ShieldRule>> = {};
  for (const [type, fields] of Object.entries(permissionMap)) {
    tree[type] = { "*": rules.nobody.rule };
    for (const [field, name] of Object.entries(fields)) tree[type][field] = rules[name].rule;
  }
  return shield(tree, {
    fallbackRule: rules.nobody.rule,
    fallbackError: forbiddenError,
    // Resolvers' own errors (NOT_FOUND, BAD_USER_INPUT, …) pass through unchanged.
    allowExternalErrors: true,
  });
}
