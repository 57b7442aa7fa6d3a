import { In } from "typeorm";
import { Contact } from "../../src/entities/Contact";
import { Conversation } from "../../src/entities/Conversation";
import { ConversationLabel } from "../../src/entities/ConversationLabel";
import { Label } from "../../src/entities/Label";
import { Note } from "../../src/entities/Note";
import type { TestApp } from "./testApp";

/** A seeded conversation as the database holds it right now, with its demo number `n`. */
export interface DemoConversation extends Conversation {
  /** The demo seed's conversation number: its contact is `Customer <n>`. */
  n: number;
  phoneNumber: string;
  labelIds: string[];
  notes: Note[];
}

/**
 * Reads one organization's conversations straight from the database (not through the API), so
 * tests compute what a principal should see independently of the code under test. Sorted the
 * way the API pages: oldest first, id breaking ties.
 */
export async function loadConversations(app: TestApp, organizationId: string): Promise<DemoConversation[]> {
  const m = app.db.manager;
  const conversations = await m.find(Conversation, { where: { organizationId } });
  const contacts = new Map((await m.find(Contact, { where: { organizationId } })).map((c) => [c.id, c]));
  const ids = conversations.map((c) => c.id);
  const labels = await m.find(ConversationLabel, { where: { conversationId: In(ids) } });
  const notes = await m.find(Note, { where: { conversationId: In(ids) }, order: { createdAt: "ASC", id: "ASC" } });
  return conversations
    .map((c) => {
      const contact = contacts.get(c.contactId);
      if (!contact) throw new Error(`conversation ${c.id} has no contact`);
      const n = Number(/^Customer (\d+)$/.exec(contact.name)?.[1] ?? NaN);
      return Object.assign(c, {
        n,
        phoneNumber: contact.phoneNumber,
        labelIds: labels.filter((l) => l.conversationId === c.id).map((l) => l.labelId),
        notes: notes.filter((x) => x.conversationId === c.id && x.deletedAt === null),
      });
    })
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The conversation whose contact is `Customer <n>`. */
export function byNumber(rows: DemoConversation[], n: number): DemoConversation {
  const found = rows.find((r) => r.n === n);
  if (!found) throw new Error(`no conversation for Customer ${n}`);
  return found;
}

/** A label of an organization by name. */
export async function labelId(app: TestApp, organizationId: string, name: string): Promise<string> {
  return (await app.db.manager.findOneByOrFail(Label, { organizationId, name })).id;
}
