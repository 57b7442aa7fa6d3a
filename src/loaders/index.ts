import DataLoader from "dataloader";
import { EntityManager, In } from "typeorm";
import type { Principal } from "../auth/principal";
import { Assignment } from "../entities/Assignment";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { ConversationLabel } from "../entities/ConversationLabel";
import { ConversationStatus, NoteVisibility } from "../entities/enums";
import { Label } from "../entities/Label";
import { Message } from "../entities/Message";
import { Note } from "../entities/Note";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { TemplateEvent } from "../entities/TemplateEvent";
import { User } from "../entities/User";
import { canReadNote } from "../permissions/policy";
import { lastPerGroup } from "./lastPerGroup";

/** Groups rows by a key, keeping the order of `keys`. */
function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((k) => map.get(k) ?? []);
}

const byId = <T extends { id: string }>(keys: readonly string[], rows: T[]): (T | null)[] => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return keys.map((k) => map.get(k) ?? null);
};

/**
 * A DataLoader that also answers synchronously for the keys it already holds, so a field rule
 * over a page of rows decides without a promise per row once the page's batch is in.
 */
export interface RememberingLoader<V> extends DataLoader<string, V> {
  /** The value if it was loaded or remembered already; undefined otherwise. */
  peek(key: string): V | undefined;
  /** Primes the value (as `prime` does) and makes `peek` return it. */
  remember(key: string, value: V): void;
}

function remembering<V>(batch: (ids: readonly string[]) => Promise<V[]>): RememberingLoader<V> {
  const known = new Map<string, V>();
  const loader = new DataLoader<string, V>(async (ids) => {
    const values = await batch(ids);
    ids.forEach((id, i) => known.set(id, values[i]));
    return values;
  });
  return Object.assign(loader, {
    peek: (key: string) => known.get(key),
    remember: (key: string, value: V) => {
      if (known.has(key)) return;
      known.set(key, value);
      loader.prime(key, value);
    },
  });
}

/** A "last n children" key: the conversation and how many of its newest rows. */
export interface LastKey { conversationId: string; last: number }

/** Whether a principal's note loader includes notes written for managers. */
const readsManagerNotes = (p: Principal): boolean => canReadNote(p, { visibility: NoteVisibility.MANAGERS });

/**
 * What the rows `createLoaders` returns depend on about its principal: the organization and
 * `readsManagerNotes`, nothing else (authorization of what is then shown stays with the scopes
 * and field rules, per principal). Principals with the same key would get identical rows, which
 * is what lets the subscribers of one live event share a loader set (liveStream.ts). Keep this
 * in step with createLoaders: a loader that filters on anything else of the principal must add
 * it here.
 */
export const loaderShareKey = (p: Principal): string => `${p.organizationId}:${readsManagerNotes(p) ? "all-notes" : "team-notes"}`;

/**
 * Per-request DataLoaders. They are created with the request's principal and never shared
 * between principals, except between the subscribers of one event with the same
 * `loaderShareKey`; every one filters by the principal's organization as a second fence.
 */
export function createLoaders(manager: EntityManager, principal: Principal) {
  const org = principal.organizationId;
  const lastLoader = <T extends { conversationId: string }>(load: (ids: string[], n: number) => Promise<T[]>) =>
    new DataLoader<LastKey, T[], string>(async (keys) => {
      const results = new Map<string, T[]>();
      for (const n of new Set(keys.map((k) => k.last))) {
        const ids = keys.filter((k) => k.last === n).map((k) => k.conversationId);
        const grouped = groupBy(ids, await load(ids, n), (r) => r.conversationId);
        ids.forEach((id, i) => results.set(`${id}:${n}`, grouped[i]));
      }
      return keys.map((k) => results.get(`${k.conversationId}:${k.last}`) ?? []);
    }, { cacheKeyFn: (k) => `${k.conversationId}:${k.last}` });

  const noteFilter = readsManagerNotes(principal) ? "" : " AND visibility = :teamVisibility";

  /** Team ids of each user (the email and activity rules read them). */
  const userTeamIds = remembering<string[]>(async (ids) => {
    const rows = await manager.find(TeamMember, { where: { userId: In([...ids]), organizationId: org } });
    return groupBy(ids, rows, (r) => r.userId).map((g) => g.map((m) => m.teamId));
  });
  /** Users currently assigned to one of each contact's unresolved conversations (for the PII rule). */
  const contactAssignees = remembering<Set<string>>(async (ids) => {
    // Raw pairs, not entities: hydration was most of its cost.
    const rows = await manager.createQueryBuilder(Conversation, "c")
      .select("c.contactId", "contactId").addSelect("c.assigneeId", "assigneeId")
      .where("c.contactId IN (:...ids) AND c.organizationId = :org AND c.status <> :resolved AND c.assigneeId IS NOT NULL",
        { ids: [...ids], org, resolved: ConversationStatus.RESOLVED })
      .getRawMany<{ contactId: string; assigneeId: string }>();
    return groupBy(ids, rows, (r) => r.contactId).map((g) => new Set(g.map((c) => c.assigneeId)));
  });

  return {
    /**
     * Users, each with their team ids in the same statement (primed into `userTeamIds`): a page
     * shows assignees, and the email rule needs their teams, so one query serves both.
     */
    user: new DataLoader<string, User | null>(async (ids) => {
      const { entities, raw } = await manager.createQueryBuilder(User, "u")
        .leftJoin(TeamMember, "m", "m.userId = u.id AND m.organizationId = u.organizationId")
        .addSelect("m.teamId", "m_teamId")
        .where("u.id IN (:...ids) AND u.organizationId = :org", { ids: [...ids], org })
        .getRawAndEntities<{ u_id: string; m_teamId: string | null }>();
      const teams = groupBy(ids, raw, (r) => r.u_id);
      ids.forEach((id, i) => { if (entities.some((u) => u.id === id)) userTeamIds.remember(id, teams[i].flatMap((r) => (r.m_teamId ? [r.m_teamId] : []))); });
      return byId(ids, entities);
    }),
    team: new DataLoader<string, Team | null>(async (ids) =>
      byId(ids, await manager.find(Team, { where: { id: In([...ids]), organizationId: org } }))),
    /**
     * Contacts, each with the assignees of its unresolved conversations in the same statement
     * (primed into `contactAssignees`): the phone-number rule needs them for every contact a
     * page shows, so one query serves both.
     */
    contact: new DataLoader<string, Contact | null>(async (ids) => {
      const { entities, raw } = await manager.createQueryBuilder(Contact, "k")
        .leftJoin(Conversation, "cv", "cv.contactId = k.id AND cv.organizationId = k.organizationId AND cv.status <> :resolved AND cv.assigneeId IS NOT NULL",
          { resolved: ConversationStatus.RESOLVED })
        .addSelect("cv.assigneeId", "cv_assigneeId")
        .where("k.id IN (:...ids) AND k.organizationId = :org", { ids: [...ids], org })
        .getRawAndEntities<{ k_id: string; cv_assigneeId: string | null }>();
      const assignees = groupBy(ids, raw, (r) => r.k_id);
      ids.forEach((id, i) => { if (entities.some((k) => k.id === id)) contactAssignees.remember(id, new Set(assignees[i].flatMap((r) => (r.cv_assigneeId ? [r.cv_assigneeId] : [])))); });
      return byId(ids, entities);
    }),
    userTeamIds,
    /** Members of each team. */
    teamMembers: new DataLoader<string, User[]>(async (ids) => {
      const rows = await manager.createQueryBuilder(User, "u")
        .innerJoin(TeamMember, "m", "m.userId = u.id")
        .addSelect("m.teamId", "m_teamId")
        .where("m.teamId IN (:...ids) AND u.organizationId = :org", { ids: [...ids], org })
        .orderBy("u.name").getRawAndEntities();
      const pairs = rows.raw.map((raw: { m_teamId: string; u_id: string }) => ({ teamId: raw.m_teamId, user: rows.entities.find((e) => e.id === raw.u_id)! }));
      return groupBy(ids, pairs, (p) => p.teamId).map((g) => g.map((p) => p.user));
    }),
    labelsOfConversation: new DataLoader<string, Label[]>(async (ids) => {
      const rows = await manager.createQueryBuilder(Label, "l")
        .innerJoin(ConversationLabel, "cl", "cl.labelId = l.id")
        .addSelect("cl.conversationId", "cl_conversationId")
        .where("cl.conversationId IN (:...ids) AND l.organizationId = :org", { ids: [...ids], org })
        .orderBy("l.name").getRawAndEntities();
      const pairs = rows.raw.map((raw: { cl_conversationId: string; l_id: string }) => ({ conversationId: raw.cl_conversationId, label: rows.entities.find((e) => e.id === raw.l_id)! }));
      return groupBy(ids, pairs, (p) => p.conversationId).map((g) => g.map((p) => p.label));
    }),
    lastMessages: lastLoader((ids, n) => lastPerGroup(manager, Message, "messages", "conversationId", ids, n, { sql: "organizationId = :org", params: { org } })),
    /** Newest notes the principal may read; soft-deleted ones never. */
    lastNotes: lastLoader((ids, n) =>
      lastPerGroup(manager, Note, "notes", "conversationId", ids, n, { sql: `organizationId = :org AND deletedAt IS NULL${noteFilter}`, params: { org, teamVisibility: NoteVisibility.TEAM } })),
    assignments: new DataLoader<string, Assignment[]>(async (ids) => {
      const rows = await manager.find(Assignment, { where: { conversationId: In([...ids]), organizationId: org }, order: { createdAt: "ASC", id: "ASC" } });
      return groupBy(ids, rows, (r) => r.conversationId);
    }),
    contactAssignees,
    /** Unresolved conversations assigned to each user. */
    openAssignmentCount: new DataLoader<string, number>(async (ids) => {
      const rows = await manager.createQueryBuilder(Conversation, "c")
        .select("c.assigneeId", "assigneeId").addSelect("COUNT(*)", "n")
        .where("c.assigneeId IN (:...ids) AND c.organizationId = :org AND c.status <> :resolved", { ids: [...ids], org, resolved: ConversationStatus.RESOLVED })
        .groupBy("c.assigneeId").getRawMany<{ assigneeId: string; n: string | number }>();
      const counts = new Map(rows.map((r) => [r.assigneeId, Number(r.n)]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    templateEvents: new DataLoader<string, TemplateEvent[]>(async (ids) => {
      const rows = await manager.find(TemplateEvent, { where: { templateId: In([...ids]), organizationId: org }, order: { createdAt: "ASC", id: "ASC" } });
      return groupBy(ids, rows, (r) => r.templateId);
    }),
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;
