import { EntityManager } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { newId } from "../entities/columns";
import { Conversation } from "../entities/Conversation";
import { notFound } from "../errors";
import { reachesTeam } from "../permissions/policy";
import { conversationVisible } from "../permissions/scopes";
import type { QueueEvent, QueueEventType } from "../subscriptions/events";
import { refuseConflict, refuseHidden } from "./refusals";

/**
 * Loads the conversation a command acts on. Missing and foreign ids are NOT_FOUND; one the
 * actor may not see is NOT_FOUND too (recorded as a denial). `seenAs` lets a claim be judged on
 * the unassigned conversation it was claimed from. API keys reach their granted teams' rows
 * for writes; their scopes decide what they may do there.
 */
export async function loadTargetConversation(
  manager: EntityManager, ctx: Context, id: string, seenAs: (c: Conversation) => Conversation = (c) => c,
): Promise<Conversation> {
  if (!isId(id)) throw notFound("Conversation not found");
  const c = await manager.findOne(Conversation, { where: { id, organizationId: ctx.principal.organizationId } });
  if (!c) throw notFound("Conversation not found");
  const p = ctx.principal;
  const reachable = conversationVisible(ctx.scope, seenAs(c)) || (p.kind === "API_KEY" && reachesTeam(p, c.teamId));
  if (!reachable) throw refuseHidden(c.teamId, "Conversation not found");
  return c;
}

/**
 * Compare-and-set on `version`: the update applies only if nobody changed the row since it was
 * read (or since `expectedVersion`), else CONFLICT. TypeORM's optimistic lock only checks on
 * read, so this is done by hand: `UPDATE … WHERE id = ? AND version = ?` and the affected rows.
 */
export async function compareAndSet(
  manager: EntityManager, c: Conversation, changes: Partial<Conversation>, now: Date, expectedVersion: number = c.version,
): Promise<Conversation> {
  if (expectedVersion !== c.version) throw refuseConflict(c.teamId, "The conversation changed since that version");
  const result = await manager.createQueryBuilder().update(Conversation)
    .set({ ...changes, updatedAt: now, lastActivityAt: now, version: () => "version + 1" })
    .where("id = :id AND version = :version", { id: c.id, version: expectedVersion })
    .execute();
  if (result.affected !== 1) throw refuseConflict(c.teamId, "The conversation changed; reload and try again");
  return Object.assign(new Conversation(), c, changes, { updatedAt: now, lastActivityAt: now, version: expectedVersion + 1 });
}

/** A queue event about a conversation after a change. */
export const queueEvent = (type: QueueEventType, c: Conversation, teamId: string, previousAssigneeId: string | null, now: Date): QueueEvent =>
  ({ id: newId(), type, organizationId: c.organizationId, teamId, conversationId: c.id, assigneeId: c.assigneeId, previousAssigneeId, at: now.toISOString() });

/** The fields of a conversation that assignment commands change, for before/after in the audit. */
export const assignmentFields = (c: Conversation) => ({ assigneeId: c.assigneeId, teamId: c.teamId, status: c.status, version: c.version });
