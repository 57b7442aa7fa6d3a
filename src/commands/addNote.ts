import type { Context } from "../context";
import { newId } from "../entities/columns";
import { NoteVisibility } from "../entities/enums";
import { Note } from "../entities/Note";
import { canAddNote } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetConversation } from "./conversationTarget";
import { noteBody } from "./noteTarget";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

export interface AddNoteInput {
  conversationId: string;
  body: string;
  visibility?: NoteVisibility | null;
}

/**
 * Writes an internal note on a conversation the actor sees. Notes are never sent to the
 * customer: this writes no message and publishes nothing. A partner app's note carries the key
 * id as its author (so `author` resolves to null) and can never be edited.
 */
export function addNote(ctx: Context, input: AddNoteInput): Promise<Note> {
  const body = noteBody(input.body);
  const visibility = input.visibility ?? NoteVisibility.TEAM;
  return runCommand(ctx, specFor("addNote", { conversationId: input.conversationId }), async (manager) => {
    const conversation = await loadTargetConversation(manager, ctx, input.conversationId);
    if (!canAddNote(ctx.principal, visibility)) {
      throw refuseForbidden(conversation.teamId, "Only managers and admins may write manager-only notes");
    }
    const note = manager.create(Note, {
      id: newId(), organizationId: conversation.organizationId, conversationId: conversation.id, authorId: ctx.principal.id,
      body, visibility, editedAt: null, deletedAt: null, createdAt: ctx.now(),
    });
    await manager.insert(Note, note);
    return {
      result: note, teamId: conversation.teamId, targetId: note.id,
      before: null, after: { conversationId: conversation.id, authorId: note.authorId, body, visibility },
    };
  });
}
