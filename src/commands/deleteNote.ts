import type { Context } from "../context";
import type { Note } from "../entities/Note";
import { canDeleteNote } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetNote, updateLiveNote } from "./noteTarget";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/**
 * An admin removes a note: a soft delete, so the row stays and is never read again. The audit
 * entry's `before` keeps the body, so what was deleted stays in the audit trail. Deleting a
 * note twice is NOT_FOUND, like anything else already deleted.
 */
export function deleteNote(ctx: Context, id: string): Promise<Note> {
  return runCommand(ctx, specFor("deleteNote", { id }), async (manager) => {
    const { note, conversation } = await loadTargetNote(manager, ctx, id);
    if (!canDeleteNote(ctx.principal)) throw refuseForbidden(conversation.teamId);
    const after = await updateLiveNote(manager, note, { deletedAt: ctx.now() });
    return {
      result: after, teamId: conversation.teamId, targetId: note.id,
      before: { conversationId: note.conversationId, authorId: note.authorId, body: note.body, visibility: note.visibility, deletedAt: null },
      after: { deletedAt: after.deletedAt },
    };
  });
}
