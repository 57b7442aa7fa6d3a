/**
 * graphql-shield rules, each one sentence wrapping a policy function. `who` is that sentence:
 * docs/permissions.md is generated from it, so the documentation reads exactly what runs.
 */
import { allow, and, deny, rule } from "graphql-shield";
import type { Context } from "../context";
import type { Contact } from "../entities/Contact";
import type { User } from "../entities/User";
import type { Principal } from "../auth/principal";
import { recordRefusal } from "../audit/recordDenial";
import { MutationName, mutationActions, specFor } from "../commands/actions";
import { ApiScope, AuditOutcome } from "../entities/enums";
import { isDatabaseUnavailable, serviceUnavailable } from "../errors";
import * as policy from "./policy";

/** One rule value as graphql-shield accepts it in a rule map. */
export type ShieldRule = Parameters<typeof and>[number];

export interface DescribedRule {
  /** Who the rule lets in, as one sentence for the generated reference. */
  who: string;
  rule: ShieldRule;
}

/** Who is told of denials (the gateways' metrics): the rule's name and the operation's context. */
const denialObservers = new Set<(rule: string, ctx: Context) => void>();

/** Observes every denial by a rule below; returns the function that stops observing. */
export function onDenied(observer: (rule: string, ctx: Context) => void): () => void {
  denialObservers.add(observer);
  return () => { denialObservers.delete(observer); };
}

/** Reports a denial and returns false; an observer's failure never changes the decision. */
const denied = (name: string, ctx: Context): false => {
  for (const observe of denialObservers) {
    try { observe(name, ctx); } catch { /* metrics only */ }
  }
  return false;
};

/**
 * graphql-shield turns a rule that throws into a denial; a rule that needs the database and
 * cannot reach it answers SERVICE_UNAVAILABLE instead (the shield passes a returned error on).
 */
const unavailableNotDenied = (check: () => boolean | Promise<boolean>): boolean | Error | Promise<boolean | Error> => {
  const unavailable = (err: unknown): Error => {
    if (isDatabaseUnavailable(err)) return serviceUnavailable(err);
    throw err;
  };
  // Synchronous when the check is: a page of rows must not pay a promise per row for a rule that
  // decided on what it already had (the field guard in shield.ts runs such rules synchronously).
  try {
    const result = check();
    return result instanceof Promise ? result.catch(unavailable) : result;
  } catch (err) {
    return unavailable(err);
  }
};

/** A rule that reads only the principal: cached for the whole request. */
const principalRule = (name: string, check: (p: Principal) => boolean): ShieldRule =>
  rule(name, { cache: "contextual" })((_parent, _args, ctx: Context) => check(ctx.principal) || denied(name, ctx));

/**
 * Decides without loading when it can: the policy functions that take loaded data grant more with
 * more of it (assignees, teams), never less. So a grant on the least data stands, a refusal on
 * the most favourable data stands, and only what is left waits for the loader.
 */
function decide<D>(check: (data: D) => boolean, least: D, most: () => D, load: () => D | Promise<D>): boolean | Promise<boolean> {
  if (check(least)) return true;
  // `most` only when needed: it may name the viewer, and a live event's result is shared by
  // subscribers whose views cannot depend on who they are (src/subscriptions/liveExecution.ts).
  if (!check(most())) return false;
  const data = load();
  return data instanceof Promise ? data.then(check) : check(data);
}

/** What a loader already holds for `key` (the loader of the parent row fetched it alongside), else a load. */
const known = <D>(loader: { peek?(key: string): D | undefined; load(key: string): Promise<D> }, key: string): D | Promise<D> =>
  loader.peek?.(key) ?? loader.load(key);

/** The team ids a principal itself belongs to: the most a target's teams can overlap with. */
const ownTeams = (p: Principal): string[] => (p.kind === "SYSTEM" ? [] : p.teams.map((t) => t.teamId));

/** A rule about the parent object: cheap checks over per-request loaders, so no result cache. */
const parentRule = <T>(name: string, check: (p: Principal, parent: T, ctx: Context) => boolean | Promise<boolean>): ShieldRule =>
  rule(name, { cache: "no_cache" })((parent: T, _args, ctx: Context) => unavailableNotDenied(() => {
    const allowed = check(ctx.principal, parent, ctx);
    return allowed instanceof Promise ? allowed.then((ok) => ok || denied(name, ctx)) : allowed || denied(name, ctx);
  }));

/**
 * A rule on a mutation: it reads only the principal, and a denial is written to the audit trail
 * (the command never runs, so the shield is where the attempt is recorded).
 */
const mutationRule = (name: string, check: (p: Principal) => boolean): ShieldRule =>
  rule(name, { cache: "no_cache" })((_parent, args: Record<string, unknown>, ctx: Context, info) => unavailableNotDenied(async () => {
    if (check(ctx.principal)) return true;
    if (info.fieldName in mutationActions) {
      await recordRefusal(ctx, specFor(info.fieldName as MutationName, args), AuditOutcome.DENIED, null, "role or scope does not allow this mutation");
    }
    return denied(name, ctx);
  }));

export const rules = {
  whoeverSeesParent: {
    who: "whoever can see the parent object (row scopes already decided that)",
    rule: allow,
  },
  signedIn: {
    who: "any signed-in user or API key of the organization",
    rule: principalRule("signedIn", () => true),
  },
  user: {
    who: "any signed-in user (not an API key)",
    rule: principalRule("user", policy.isUser),
  },
  conversationReader: {
    who: "any user; an API key only with `conversations:read`",
    rule: principalRule("conversationReader", policy.canReadConversations),
  },
  managerOrAdmin: {
    who: "MANAGER or ADMIN",
    rule: principalRule("managerOrAdmin", policy.isManagerOrAdmin),
  },
  admin: {
    who: "ADMIN",
    rule: principalRule("admin", policy.isAdmin),
  },
  auditReader: {
    who: "ADMIN (every entry) or MANAGER (entries about their teams)",
    rule: principalRule("auditReader", policy.canReadAuditLog),
  },
  templateReader: {
    who: "any user; agents see only APPROVED templates usable by their teams",
    rule: principalRule("templateReader", policy.canListTemplates),
  },
  contactPiiReader: {
    who: "ADMIN, MANAGER, the AGENT currently assigned to one of the contact's unresolved conversations, or an API key with `contacts:read_pii`",
    rule: parentRule<Contact>("contactPiiReader", (p, contact, ctx) =>
      decide((assignees) => policy.canReadContactPii(p, assignees), new Set<string>(), () => new Set(p.kind === "USER" ? [p.id] : []),
        () => known(ctx.loaders.contactAssignees, contact.id))),
  },
  emailReader: {
    who: "the user themself, a MANAGER sharing a team with them, or ADMIN",
    rule: parentRule<User>("emailReader", (p, user, ctx) =>
      decide((teamIds: readonly string[]) => policy.canReadUserEmail(p, { id: user.id, teamIds }), [], () => ownTeams(p),
        () => known(ctx.loaders.userTeamIds, user.id))),
  },
  userSupervisor: {
    who: "a MANAGER sharing a team with the user, or ADMIN",
    rule: parentRule<User>("userSupervisor", (p, user, ctx) =>
      decide((teamIds: readonly string[]) => policy.canReadUserActivity(p, { teamIds }), [], () => ownTeams(p),
        () => known(ctx.loaders.userTeamIds, user.id))),
  },
  queueSupervisor: {
    who: "a MANAGER of the snapshot's team, or ADMIN",
    rule: parentRule<{ teamId: string }>("queueSupervisor", (p, snapshot) => policy.canViewQueueDetail(p, snapshot.teamId)),
  },
  userMutation: {
    who: "any user (the command then checks the target, e.g. that they see it or are its assignee)",
    rule: mutationRule("userMutation", policy.isUser),
  },
  assignmentWriter: {
    who: "MANAGER or ADMIN (the command checks the team), or an API key with `assignments:write` on the team",
    rule: mutationRule("assignmentWriter", (p) => policy.isManagerOrAdmin(p) || policy.hasScope(p, ApiScope.ASSIGNMENTS_WRITE)),
  },
  assignmentActor: {
    who: "any user (the command requires the assignee, a MANAGER of the team or ADMIN), or an API key with `assignments:write`",
    rule: mutationRule("assignmentActor", (p) => policy.isUser(p) || policy.hasScope(p, ApiScope.ASSIGNMENTS_WRITE)),
  },
  noteWriter: {
    who: "any user who sees the conversation, or an API key with `notes:write` that sees it",
    rule: mutationRule("noteWriter", (p) => policy.isUser(p) || policy.hasScope(p, ApiScope.NOTES_WRITE)),
  },
  managerMutation: {
    who: "MANAGER or ADMIN",
    rule: mutationRule("managerMutation", policy.isManagerOrAdmin),
  },
  adminMutation: {
    who: "ADMIN",
    rule: mutationRule("adminMutation", policy.isAdmin),
  },
  queueWatcher: {
    who: "a MANAGER of the team, or ADMIN, as reloaded for each event (also checked when subscribing)",
    rule: rule("queueWatcher", { cache: "no_cache" })((live: { principal?: Principal }, args: { teamId?: string }, ctx: Context) =>
      policy.canWatchQueue(live?.principal ?? ctx.principal, String(args.teamId)) || denied("queueWatcher", ctx)),
  },
  liveUser: {
    who: "any user, as reloaded for each event (also checked when subscribing)",
    rule: rule("liveUser", { cache: "no_cache" })((live: { principal?: Principal }, _args, ctx: Context) =>
      policy.canWatchOwnAssignments(live?.principal ?? ctx.principal) || denied("liveUser", ctx)),
  },
  nobody: {
    who: "nobody (denied by default)",
    rule: deny,
  },
} satisfies Record<string, DescribedRule>;

/** The name of a rule; the permission map can only use these, so a typo is a compile error. */
export type RuleName = keyof typeof rules;
