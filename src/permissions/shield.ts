/**
 * The permission map: every field of every object type, named with the rule that guards it.
 * Nothing else lives here. Unlisted types and fields fall to `deny`, and a test fails when the
 * schema has a field this map does not classify.
 */
import { GraphQLError, GraphQLResolveInfo, GraphQLSchema, responsePathAsArray } from "graphql";
import { IMiddlewareFieldMap, IMiddlewareGenerator, middleware } from "graphql-middleware";
import { allow, deny, shield } from "graphql-shield";
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
export function forbiddenError(_err?: unknown, _parent?: unknown, _args?: unknown, _ctx?: unknown, info?: GraphQLResolveInfo): GraphQLError {
  // A denial is an expected answer, not a fault: no stack trace is captured (a page of 1,000 rows
  // may deny 1,000 fields, and capturing and formatting a stack for each showed in profiles), and
  // the error is created already located at its field, so graphql-js does not wrap it in another.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError("Not allowed", {
      ...(info ? { nodes: info.fieldNodes, path: responsePathAsArray(info.path) } : {}),
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Whether the map says a field needs no check of its own: the parent's row scope decided it. */
export const isOpenWithParent = (type: string, field: string): boolean =>
  Object.prototype.hasOwnProperty.call(permissionMap, type) && permissionMap[type][field] === "whoeverSeesParent";

/** A graphql-shield `rule()` with one of the two caches our rules use: evaluated here without its async wrapper. */
interface PlainRule {
  name: string;
  cache: "contextual" | "no_cache";
  func: (parent: unknown, args: unknown, ctx: ShieldContext, info: GraphQLResolveInfo) => unknown;
  fragment?: unknown;
}
type ShieldContext = { _shield?: { cache: Record<string, unknown> } };

const isPlainRule = (r: unknown): r is PlainRule => {
  const x = r as Partial<PlainRule> | null;
  return !!x && x.constructor?.name === "Rule" && typeof x.func === "function" && (x.cache === "contextual" || x.cache === "no_cache") && !x.fragment;
};

/**
 * The rule of a field exactly as graphql-shield evaluates it (a `contextual` rule is cached in
 * `ctx._shield.cache` under its name, like graphql-shield, so refreshContext's reset still
 * applies), but synchronously when the rule answers synchronously. Null for anything else
 * (logic rules, input rules, other caches): graphql-shield's own wrapper is kept for those.
 */
function directCheck(rule: ShieldRule): ((parent: unknown, args: unknown, ctx: ShieldContext, info: GraphQLResolveInfo) => unknown) | null {
  if (rule === allow) return () => true;
  if (rule === deny) return () => false;
  if (!isPlainRule(rule)) return null;
  if (rule.cache === "no_cache") return (parent, args, ctx, info) => rule.func(parent, args, ctx, info);
  return (parent, args, ctx, info) => {
    const shieldCache = (ctx._shield ??= { cache: {} }).cache;
    if (!shieldCache[rule.name]) shieldCache[rule.name] = rule.func(parent, args, ctx, info);
    return shieldCache[rule.name];
  };
}

type Resolve = (parent: unknown, args: unknown, ctx: ShieldContext, info: GraphQLResolveInfo) => unknown;

/**
 * graphql-shield's field middleware, minus the promises: a verdict of `true` runs the resolver,
 * an Error (or message) is the answer, anything else (and a rule that throws) is FORBIDDEN.
 */
function guard(check: NonNullable<ReturnType<typeof directCheck>>) {
  const conclude = (verdict: unknown, resolve: Resolve, parent: unknown, args: unknown, ctx: ShieldContext, info: GraphQLResolveInfo): unknown => {
    if (verdict === true) return resolve(parent, args, ctx, info);
    if (verdict instanceof Error) return verdict;
    if (typeof verdict === "string") return new Error(verdict);
    return forbiddenError(null, parent, args, ctx, info);
  };
  return (resolve: Resolve, parent: unknown, args: unknown, ctx: ShieldContext, info: GraphQLResolveInfo): unknown => {
    let verdict: unknown;
    try {
      verdict = check(parent, args, ctx, info);
    } catch {
      return forbiddenError(null, parent, args, ctx, info);
    }
    if (typeof (verdict as PromiseLike<unknown> | null)?.then === "function") {
      return (verdict as PromiseLike<unknown>).then((v) => conclude(v, resolve, parent, args, ctx, info), () => forbiddenError(null, parent, args, ctx, info));
    }
    return conclude(verdict, resolve, parent, args, ctx, info);
  };
}

/**
 * graphql-shield middleware built from the map; deny is the fallback for anything unlisted.
 *
 * graphql-shield wraps every field in an async rule check, `allow` ones included: on a page of
 * conversations that is several promises per field per row, most of what authorization cost
 * (measured by `npm run bench`). So graphql-shield still validates the map against the schema
 * and decides which rule guards which field (the map's rule, else the type's `*`, else the
 * fallback: deny), and then:
 * - a field the map classifies as `whoeverSeesParent` keeps its own resolver, unwrapped (the
 *   row scope already decided whether its parent is visible);
 * - every other field, the unlisted ones included, is wrapped in a guard that evaluates its rule
 *   as graphql-shield would, synchronously when the rule is (principal-only rules, parent rules
 *   that need no loader); rules of other kinds keep graphql-shield's own wrapper.
 */
export function buildShield(): IMiddlewareGenerator<unknown, unknown, unknown> {
  const tree: Record<string, Record<string, ShieldRule>> = {};
  for (const [type, fields] of Object.entries(permissionMap)) {
    tree[type] = { "*": rules.nobody.rule };
    for (const [field, name] of Object.entries(fields)) tree[type][field] = rules[name].rule;
  }
  const fallbackRule = rules.nobody.rule;
  const full = shield(tree, {
    fallbackRule,
    fallbackError: forbiddenError,
    // Resolvers' own errors (NOT_FOUND, BAD_USER_INPUT, …) pass through unchanged.
    allowExternalErrors: true,
  });
  return middleware((schema: GraphQLSchema) => {
    const generated = full.generate(schema) as Record<string, IMiddlewareFieldMap>;
    const lean: Record<string, IMiddlewareFieldMap> = {};
    for (const [type, fields] of Object.entries(generated)) {
      const guarded: IMiddlewareFieldMap = {};
      for (const [field, shieldWrapper] of Object.entries(fields)) {
        if (isOpenWithParent(type, field)) continue;
        const own = (key: string) => (Object.prototype.hasOwnProperty.call(tree, type) && Object.prototype.hasOwnProperty.call(tree[type], key) ? tree[type][key] : undefined);
        const rule = own(field) ?? own("*") ?? fallbackRule;
        const check = directCheck(rule);
        guarded[field] = (check ? guard(check) : shieldWrapper) as IMiddlewareFieldMap[string];
      }
      if (Object.keys(guarded).length > 0) lean[type] = guarded;
    }
    return lean;
  });
}
