import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { addNote } from "../commands/addNote";
import { deleteNote } from "../commands/deleteNote";
import { editNote } from "../commands/editNote";
import type { Context } from "../context";
import { NoteVisibility } from "../entities/enums";
import { Note } from "../entities/Note";

/** Internal notes on conversations: thin, each one a command. */
@Resolver(() => Note)
export class NoteMutationResolver {
  @Mutation(() => Note, { description: "An internal note; never sent to the customer. MANAGERS notes only by MANAGER or ADMIN" })
  addNote(
    @Arg("conversationId", () => ID) conversationId: string, @Arg("body", () => String) body: string, @Ctx() ctx: Context,
    @Arg("visibility", () => NoteVisibility, { nullable: true, defaultValue: NoteVisibility.TEAM }) visibility?: NoteVisibility | null,
  ): Promise<Note> {
    return addNote(ctx, { conversationId, body, visibility });
  }

  @Mutation(() => Note, { description: "Its author, within 15 minutes of writing it" })
  editNote(@Arg("id", () => ID) id: string, @Arg("body", () => String) body: string, @Ctx() ctx: Context): Promise<Note> {
    return editNote(ctx, id, body);
  }

  @Mutation(() => Note, { description: "Soft delete (ADMIN); returns the note as it was deleted, which is never listed again" })
  deleteNote(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Note> {
    return deleteNote(ctx, id);
  }
}
