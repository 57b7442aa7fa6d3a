import { EntityManager, Not } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { ConversationLabel } from "../entities/ConversationLabel";
import { Label } from "../entities/Label";
import { badInput, notFound } from "../errors";
import { isDuplicateKey } from "./runCommand";

/** The longest label name, in characters (code points, as MySQL counts them). */
export const LABEL_NAME_MAX = 64;

const DUPLICATE_NAME = "A label with that name already exists";

/**
 * A label name: trimmed, 1 to 64 characters, and its `nameKey` (lower-cased) that makes names
 * unique per organization regardless of case.
 */
export function labelName(raw: string): { name: string; nameKey: string } {
  const name = raw.trim();
  const nameKey = name.toLowerCase();
  if ([...name].length < 1 || [...name].length > LABEL_NAME_MAX || [...nameKey].length > LABEL_NAME_MAX) {
    throw badInput(`name must be 1 to ${LABEL_NAME_MAX} characters`, "name");
  }
  return { name, nameKey };
}

/** A label colour: `#rrggbb`, stored lower-case so the taxonomy reads uniformly. */
export function labelColor(raw: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(raw)) throw badInput("color must be #rrggbb", "color");
  return raw.toLowerCase();
}

/** BAD_USER_INPUT when another label of the organization already has this name, in any case. */
export async function requireUniqueName(manager: EntityManager, organizationId: string, nameKey: string, exceptId?: string): Promise<void> {
  const clash = await manager.findOne(Label, {
    where: { organizationId, nameKey, ...(exceptId ? { id: Not(exceptId) } : {}) },
  });
  if (clash) throw badInput(DUPLICATE_NAME, "name");
}

/** Turns the unique index's verdict (a concurrent writer took the name first) into the same BAD_USER_INPUT. */
export function duplicateNameAsBadInput(err: unknown): never {
  if (isDuplicateKey(err)) throw badInput(DUPLICATE_NAME, "name");
  throw err;
}

/**
 * Loads a label of the actor's organization; a missing or foreign id is NOT_FOUND. With `lock`
 * the row is held (FOR UPDATE on MySQL; SQLite runs one transaction at a time) until commit,
 * so concurrent renames and archives of one label take turns.
 */
export async function loadLabel(manager: EntityManager, ctx: Context, id: string, lock = false): Promise<Label> {
  if (!isId(id)) throw notFound("Label not found");
  const qb = manager.createQueryBuilder(Label, "l").where("l.id = :id AND l.organizationId = :org", { id, org: ctx.principal.organizationId });
  if (lock && manager.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const label = await qb.getOne();
  if (!label) throw notFound("Label not found");
  return label;
}

/** The ids of the labels on a conversation, sorted, for before/after in the audit. */
export async function appliedLabelIds(manager: EntityManager, conversationId: string): Promise<string[]> {
  const rows = await manager.find(ConversationLabel, { where: { conversationId }, select: { labelId: true } });
  return rows.map((r) => r.labelId).sort();
}
