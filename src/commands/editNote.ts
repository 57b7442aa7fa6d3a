import type { Context } from "../context";
import type { Note } from "../entities/Note";
import { canEditNote } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetNote, noteBody, updateLiveNote } from "./noteTarget";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/** Its author corrects a note, within 15 minutes of writing it; the old body stays in the audit trail. */
export function editNote(ctx: Context, id: string, rawBody: string): Promise<Note> {
  const body = noteBody(rawBody);
  return runCommand(ctx, specFor("editNote", { id }), async (manager) => {
    const { note, conversation } = await loadTargetNote(manager, ctx, id);
    const now = ctx.now();
    if (!canEditNote(ctx.principal, note, now)) {
      throw refuseForbidden(conversation.teamId, "Only its author may edit a note, within 15 minutes of writing it");
    }
    const after = await updateLiveNote(manager, note, { body, editedAt: now });
    return {
      result: after, teamId: conversation.teamId, targetId: note.id,
      before: { body: note.body, editedAt: note.editedAt }, after: { body: after.body, editedAt: after.editedAt },
    };
  });
}
