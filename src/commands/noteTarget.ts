import { EntityManager, IsNull } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import type { Conversation } from "../entities/Conversation";
import { Note } from "../entities/Note";
import { badInput, ErrorCode, hasCode, notFound } from "../errors";
import { canReadNote } from "../permissions/policy";
import { loadTargetConversation } from "./conversationTarget";
import { Refusal, refuseHidden } from "./refusals";

/** The longest note body, in characters (code points, as MySQL counts them). */
export const NOTE_BODY_MAX = 4000;

const NOTE_NOT_FOUND = "Note not found";

/** Trims a note body and bounds it: 1 to 4000 characters, else BAD_USER_INPUT. */
export function noteBody(raw: string): string {
  const body = raw.trim();
  const length = [...body].length;
  if (length < 1 || length > NOTE_BODY_MAX) throw badInput(`body must be 1 to ${NOTE_BODY_MAX} characters`, "body");
  return body;
}

/**
 * Loads a note a command acts on, with its conversation. A note inherits its conversation's
 * visibility, and manager-only notes are invisible to everyone else: both answer NOT_FOUND with
 * the same message as a missing, foreign or deleted note (so nothing is confirmed), and both are
 * recorded as denials.
 */
export async function loadTargetNote(manager: EntityManager, ctx: Context, id: string): Promise<{ note: Note; conversation: Conversation }> {
  if (!isId(id)) throw notFound(NOTE_NOT_FOUND);
  const note = await manager.findOne(Note, { where: { id, organizationId: ctx.principal.organizationId, deletedAt: IsNull() } });
  if (!note) throw notFound(NOTE_NOT_FOUND);
  let conversation: Conversation;
  try {
    conversation = await loadTargetConversation(manager, ctx, note.conversationId);
  } catch (err) {
    if (err instanceof Refusal && hasCode(err, ErrorCode.NOT_FOUND)) throw refuseHidden(err.teamId, NOTE_NOT_FOUND);
    if (hasCode(err, ErrorCode.NOT_FOUND)) throw notFound(NOTE_NOT_FOUND);
    throw err;
  }
  if (!canReadNote(ctx.principal, note)) throw refuseHidden(conversation.teamId, NOTE_NOT_FOUND);
  return { note, conversation };
}

/**
 * Changes a note that is still not deleted; a concurrent delete makes it NOT_FOUND rather than
 * writing to a note nobody may read again.
 */
export async function updateLiveNote(manager: EntityManager, note: Note, changes: Partial<Note>): Promise<Note> {
  const result = await manager.createQueryBuilder().update(Note).set(changes)
    .where("id = :id AND deletedAt IS NULL", { id: note.id })
    .execute();
  if (result.affected !== 1) throw notFound(NOTE_NOT_FOUND);
  return Object.assign(new Note(), note, changes);
}
