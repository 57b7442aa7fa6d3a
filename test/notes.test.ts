import { auditEntriesAfter, AuditView, lastSeq as lastAuditSeq } from "./helpers/audit";
import { AuditEntry } from "../src/entities/AuditEntry";
import { Conversation } from "../src/entities/Conversation";
import { ConversationLabel } from "../src/entities/ConversationLabel";
import { ApiScope } from "../src/entities/enums";
import { Label } from "../src/entities/Label";
import { Message } from "../src/entities/Message";
import { Note } from "../src/entities/Note";
import { byNumber, DemoConversation, loadConversations } from "./helpers/demoRows";
import { apiKeyIdOf, createApiKeyFor } from "./helpers/factories";
import { codes, GraphQLResponse, SEED_NOW, startTestApp, TestApp } from "./helpers/testApp";

/*
 * POLICY.md, Mutations: addNote, editNote, deleteNote. Demo facts used (src/seed/demoData.ts):
 * Acme odd n → Sales (ali, carl; manager maya; ASSIGNED_AND_UNASSIGNED), even n → Support (bea,
 * carl; manager sam; TEAM). n = 3, 17 are unassigned Sales conversations, n = 5 is carl's (ali does
 * not see it), n = 9 carries a MANAGERS note by maya, n = 3 a TEAM note by ali.
 */

const ADD = `mutation($conversationId: ID!, $body: String!, $visibility: NoteVisibility) {
  addNote(conversationId: $conversationId, body: $body, visibility: $visibility) { id body visibility editedAt createdAt author { name } }
}`;
const EDIT = `mutation($id: ID!, $body: String!) { editNote(id: $id, body: $body) { id body visibility editedAt author { name } } }`;
const DELETE = `mutation($id: ID!) { deleteNote(id: $id) { id body visibility } }`;
const NOTES = `query($id: ID!) { conversation(id: $id) { notes { id body visibility } } }`;

interface NoteView { id: string; body: string; visibility: string; editedAt: string | null; createdAt?: string; author: { name: string } | null }

describe("notes", () => {
  let app: TestApp;
  let acme: string;
  let globex: string;
  let sales: string;
  let support: string;
  let rows: DemoConversation[];
  const user = (email: string): string => app.seed.users[email];
  const conv = (n: number): string => byNumber(rows, n).id;

  beforeAll(async () => {
    app = await startTestApp();
    acme = app.seed.organizations.acme;
    globex = app.seed.organizations.globex;
    sales = app.seed.teams["acme/Sales"];
    support = app.seed.teams["acme/Support"];
    rows = await loadConversations(app, acme);
  });
  afterAll(async () => { await app.close(); });
  afterEach(() => { app.clock.now = SEED_NOW; });

  /** Row counts of everything a note mutation could touch, and every conversation's version. */
  async function snapshot() {
    const m = app.db.manager;
    const versions = (await m.find(Conversation, { order: { id: "ASC" } })).map((c) => `${c.id}:${c.version}`).join(",");
    const notes = (await m.find(Note, { order: { id: "ASC" } })).map((n) => `${n.id}:${n.body}:${n.editedAt?.getTime()}:${n.deletedAt?.getTime()}`).join(",");
    return {
      notes, versions, audit: await m.count(AuditEntry), messages: await m.count(Message),
      labels: await m.count(Label), conversationLabels: await m.count(ConversationLabel),
    };
  }

  const lastSeq = (): Promise<number> => lastAuditSeq(app, acme);

  const entriesAfter = (seq: number): Promise<AuditView[]> => auditEntriesAfter(app, acme, seq);

  /** Runs a mutation that must be refused, and proves it wrote nothing but the expected audit entries. */
  async function expectRefused(
    call: () => Promise<GraphQLResponse>, field: string, code: string, audit: Partial<AuditView>[],
  ): Promise<void> {
    const seq = await lastSeq();
    const before = await snapshot();
    const res = await call();
    expect(codes(res)).toEqual([code]);
    // The mutation field is non-null, so its error nulls the whole `data`.
    expect(res.body.data).toBeNull();
    expect(res.body.errors![0].path).toEqual([field]);
    const after = await snapshot();
    expect(after).toEqual({ ...before, audit: before.audit + audit.length });
    const entries = await entriesAfter(seq);
    expect(entries).toHaveLength(audit.length);
    entries.forEach((e, i) => expect(e).toMatchObject(audit[i]));
  }

  async function addAs(email: string, n: number, body: string, visibility?: string): Promise<NoteView> {
    const res = await app.gql<{ addNote: NoteView }>(email, ADD, { conversationId: conv(n), body, visibility });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.addNote;
  }

  async function notesSeenBy(email: string, n: number): Promise<NoteView[]> {
    const res = await app.gql<{ conversation: { notes: NoteView[] } }>(email, NOTES, { id: conv(n) });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.conversation.notes;
  }

  describe("addNote", () => {
    test("an agent who sees the conversation adds a TEAM note: one row, one audit entry, no message to the customer", async () => {
      const seq = await lastSeq();
      const before = await snapshot();
      const res = await app.gql<{ addNote: NoteView }>("ali@acme.test", ADD, { conversationId: conv(3), body: "  Called back, waiting on the invoice.  " });
      expect(res.body.errors).toBeUndefined();
      const note = res.body.data!.addNote;
      expect(note).toEqual({
        id: expect.any(String), body: "Called back, waiting on the invoice.", visibility: "TEAM", editedAt: null,
        createdAt: SEED_NOW.toISOString(), author: { name: "Ali Agent" },
      });
      const after = await snapshot();
      expect(after.audit).toBe(before.audit + 1);
      expect(after.messages).toBe(before.messages);
      expect(after.versions).toBe(before.versions);
      const row = await app.db.manager.findOneByOrFail(Note, { id: note.id });
      expect(row).toMatchObject({ organizationId: acme, conversationId: conv(3), authorId: user("ali@acme.test"), deletedAt: null });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "note.add", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT",
        teamId: sales, targetType: "Note", targetId: note.id, before: null,
        after: { conversationId: conv(3), authorId: user("ali@acme.test"), body: "Called back, waiting on the invoice.", visibility: "TEAM" },
      }]);
      expect((await notesSeenBy("carl@acme.test", 3)).map((n) => n.id)).toContain(note.id);
    });

    test("a MANAGERS note by maya is stored and audited, and absent (not an error) for agents", async () => {
      const seq = await lastSeq();
      const note = await addAs("maya@acme.test", 3, "Coach ali on refunds", "MANAGERS");
      expect(note).toMatchObject({ body: "Coach ali on refunds", visibility: "MANAGERS", author: { name: "Maya Manager" } });
      expect(await entriesAfter(seq)).toEqual([expect.objectContaining({
        action: "note.add", outcome: "SUCCESS", actorRole: "MANAGER", teamId: sales, targetId: note.id,
        after: { conversationId: conv(3), authorId: user("maya@acme.test"), body: "Coach ali on refunds", visibility: "MANAGERS" },
      })]);
      expect((await notesSeenBy("maya@acme.test", 3)).map((n) => n.id)).toContain(note.id);
      expect((await notesSeenBy("admin@acme.test", 3)).map((n) => n.id)).toContain(note.id);
      for (const agent of ["ali@acme.test", "carl@acme.test"]) {
        const seen = await notesSeenBy(agent, 3);
        expect(seen.map((n) => n.id)).not.toContain(note.id);
        expect(seen.every((n) => n.visibility === "TEAM")).toBe(true);
      }
    });

    test("an agent may not write a MANAGERS note: FORBIDDEN, recorded as DENIED against the team", async () => {
      await expectRefused(() => app.gql("ali@acme.test", ADD, { conversationId: conv(3), body: "secret", visibility: "MANAGERS" }),
        "addNote", "FORBIDDEN",
        [{ action: "note.add", outcome: "DENIED", actorId: user("ali@acme.test"), actorRole: "AGENT", teamId: sales, targetType: "Note", before: null }]);
    });

    test("a conversation the agent does not see is NOT_FOUND, recorded as DENIED", async () => {
      expect(byNumber(rows, 5).assigneeId).toBe(user("carl@acme.test"));
      await expectRefused(() => app.gql("ali@acme.test", ADD, { conversationId: conv(5), body: "hello" }), "addNote", "NOT_FOUND",
        [{ action: "note.add", outcome: "DENIED", actorRole: "AGENT", teamId: sales }]);
      await expectRefused(() => app.gql("bea@acme.test", ADD, { conversationId: conv(3), body: "hello" }), "addNote", "NOT_FOUND",
        [{ action: "note.add", outcome: "DENIED", actorRole: "AGENT", teamId: sales }]);
    });

    test("missing, malformed and Globex conversation ids are NOT_FOUND and write nothing", async () => {
      const globexConversation = (await app.db.manager.findOneByOrFail(Conversation, { organizationId: globex })).id;
      for (const id of [globexConversation, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
        await expectRefused(() => app.gql("admin@acme.test", ADD, { conversationId: id, body: "hello" }), "addNote", "NOT_FOUND", []);
      }
    });

    test("a body is trimmed and must be 1 to 4000 characters: otherwise BAD_USER_INPUT and nothing written", async () => {
      for (const body of ["", "   \n\t ", "x".repeat(4001), ` ${"y".repeat(4001)} `]) {
        await expectRefused(() => app.gql("ali@acme.test", ADD, { conversationId: conv(3), body }), "addNote", "BAD_USER_INPUT", []);
      }
      const longest = await addAs("ali@acme.test", 3, ` ${"z".repeat(4000)} `);
      expect(longest.body).toBe("z".repeat(4000));
    });

    describe("as an API client", () => {
      test("with notes:write on the conversation's team: allowed, audited as the key", async () => {
        const key = await createApiKeyFor(app, { scopes: [ApiScope.NOTES_WRITE], teamNames: ["Sales"] });
        const seq = await lastSeq();
        const res = await app.gqlWithAuth(key, ADD, { conversationId: conv(3), body: "Synced from the CRM" });
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data!.addNote).toMatchObject({ body: "Synced from the CRM", visibility: "TEAM", author: null });
        expect(await entriesAfter(seq)).toEqual([expect.objectContaining({
          action: "note.add", outcome: "SUCCESS", actorType: "API_KEY", actorId: apiKeyIdOf(key), actorRole: null, teamId: sales,
          targetId: res.body.data!.addNote.id,
        })]);
      });

      test("with notes:write but not on the conversation's team: NOT_FOUND, recorded", async () => {
        const key = await createApiKeyFor(app, { scopes: [ApiScope.NOTES_WRITE, ApiScope.CONVERSATIONS_READ], teamNames: ["Sales"] });
        await expectRefused(() => app.gqlWithAuth(key, ADD, { conversationId: conv(2), body: "hello" }), "addNote", "NOT_FOUND",
          [{ action: "note.add", outcome: "DENIED", actorType: "API_KEY", actorRole: null, teamId: support }]);
      });

      test("without notes:write: FORBIDDEN at the shield, recorded", async () => {
        const key = await createApiKeyFor(app, { scopes: [ApiScope.CONVERSATIONS_READ, ApiScope.ASSIGNMENTS_WRITE], teamNames: ["Sales"] });
        await expectRefused(() => app.gqlWithAuth(key, ADD, { conversationId: conv(3), body: "hello" }), "addNote", "FORBIDDEN",
          [{ action: "note.add", outcome: "DENIED", actorType: "API_KEY", actorId: apiKeyIdOf(key), teamId: null }]);
      });

      test("a MANAGERS note: FORBIDDEN, recorded", async () => {
        const key = await createApiKeyFor(app, { scopes: [ApiScope.NOTES_WRITE], teamNames: ["Sales"] });
        await expectRefused(() => app.gqlWithAuth(key, ADD, { conversationId: conv(3), body: "hello", visibility: "MANAGERS" }),
          "addNote", "FORBIDDEN", [{ action: "note.add", outcome: "DENIED", actorType: "API_KEY", teamId: sales }]);
      });
    });
  });

  describe("editNote", () => {
    test("its author, within 15 minutes: body replaced, editedAt set, one audit entry with the old body", async () => {
      const note = await addAs("ali@acme.test", 3, "First draft");
      app.clock.now = new Date(SEED_NOW.getTime() + 14 * 60 * 1000);
      const seq = await lastSeq();
      const before = await snapshot();
      const res = await app.gql<{ editNote: NoteView }>("ali@acme.test", EDIT, { id: note.id, body: " Second draft " });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.editNote).toEqual({
        id: note.id, body: "Second draft", visibility: "TEAM", editedAt: app.clock.now.toISOString(), author: { name: "Ali Agent" },
      });
      const after = await snapshot();
      expect({ ...after, notes: "" }).toEqual({ ...before, notes: "", audit: before.audit + 1 });
      expect(await app.db.manager.findOneByOrFail(Note, { id: note.id })).toMatchObject({ body: "Second draft", editedAt: app.clock.now });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "note.edit", outcome: "SUCCESS", actorType: "USER", actorId: user("ali@acme.test"), actorRole: "AGENT",
        teamId: sales, targetType: "Note", targetId: note.id,
        before: { body: "First draft", editedAt: null }, after: { body: "Second draft", editedAt: app.clock.now.toISOString() },
      }]);
    });

    test("its author after 15 minutes: FORBIDDEN, recorded, note unchanged", async () => {
      const note = await addAs("ali@acme.test", 3, "Too late to change");
      app.clock.now = new Date(SEED_NOW.getTime() + 16 * 60 * 1000);
      await expectRefused(() => app.gql("ali@acme.test", EDIT, { id: note.id, body: "changed" }), "editNote", "FORBIDDEN",
        [{ action: "note.edit", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetType: "Note", targetId: note.id }]);
    });

    test("anyone but the author, even a manager or admin who sees it: FORBIDDEN, recorded", async () => {
      const note = await addAs("ali@acme.test", 3, "Mine");
      for (const [email, role] of [["carl@acme.test", "AGENT"], ["maya@acme.test", "MANAGER"], ["admin@acme.test", "ADMIN"]]) {
        await expectRefused(() => app.gql(email, EDIT, { id: note.id, body: "theirs" }), "editNote", "FORBIDDEN",
          [{ action: "note.edit", outcome: "DENIED", actorRole: role, teamId: sales, targetId: note.id }]);
      }
    });

    test("a MANAGERS note is NOT_FOUND for agents (recorded), and editable by its manager author", async () => {
      const note = await addAs("maya@acme.test", 3, "For managers", "MANAGERS");
      await expectRefused(() => app.gql("ali@acme.test", EDIT, { id: note.id, body: "peek" }), "editNote", "NOT_FOUND",
        [{ action: "note.edit", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetId: note.id }]);
      const res = await app.gql<{ editNote: NoteView }>("maya@acme.test", EDIT, { id: note.id, body: "For managers only" });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.editNote).toMatchObject({ id: note.id, body: "For managers only", visibility: "MANAGERS" });
    });

    test("a note inherits its conversation's visibility: once the author no longer sees it, NOT_FOUND", async () => {
      const note = await addAs("ali@acme.test", 17, "Before it moved");
      const assigned = await app.gql("admin@acme.test", `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { id } }`,
        { input: { conversationId: conv(17), assigneeId: user("carl@acme.test") } });
      expect(assigned.body.errors).toBeUndefined();
      await expectRefused(() => app.gql("ali@acme.test", EDIT, { id: note.id, body: "after" }), "editNote", "NOT_FOUND",
        [{ action: "note.edit", outcome: "DENIED", actorRole: "AGENT", teamId: sales, targetId: note.id }]);
    });

    test("bad bodies are BAD_USER_INPUT; missing, malformed and Globex note ids NOT_FOUND; nothing written", async () => {
      const note = await addAs("ali@acme.test", 3, "Valid");
      for (const body of ["", "  ", "x".repeat(4001)]) {
        await expectRefused(() => app.gql("ali@acme.test", EDIT, { id: note.id, body }), "editNote", "BAD_USER_INPUT", []);
      }
      const globexNote = (await app.db.manager.findOneByOrFail(Note, { organizationId: globex })).id;
      for (const id of [globexNote, "00000000-0000-4000-8000-000000000000", "nope"]) {
        await expectRefused(() => app.gql("admin@acme.test", EDIT, { id, body: "x" }), "editNote", "NOT_FOUND", []);
      }
    });

    test("API clients cannot edit: FORBIDDEN at the shield, recorded", async () => {
      const note = await addAs("ali@acme.test", 3, "Valid");
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales"] });
      await expectRefused(() => app.gqlWithAuth(key, EDIT, { id: note.id, body: "x" }), "editNote", "FORBIDDEN",
        [{ action: "note.edit", outcome: "DENIED", actorType: "API_KEY", teamId: null, targetId: note.id }]);
    });
  });

  describe("deleteNote", () => {
    test("ADMIN soft-deletes: the row stays with deletedAt, the note disappears from reads, the body stays in the audit", async () => {
      const note = await addAs("ali@acme.test", 3, "Customer's card ends 4242");
      const seq = await lastSeq();
      const before = await snapshot();
      const res = await app.gql<{ deleteNote: NoteView }>("admin@acme.test", DELETE, { id: note.id });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.deleteNote).toEqual({ id: note.id, body: "Customer's card ends 4242", visibility: "TEAM" });
      const after = await snapshot();
      expect({ ...after, notes: "" }).toEqual({ ...before, notes: "", audit: before.audit + 1 });
      const row = await app.db.manager.findOneByOrFail(Note, { id: note.id });
      expect(row).toMatchObject({ body: "Customer's card ends 4242", deletedAt: SEED_NOW });
      expect(await entriesAfter(seq)).toEqual([{
        seq: seq + 1, action: "note.delete", outcome: "SUCCESS", actorType: "USER", actorId: user("admin@acme.test"), actorRole: "ADMIN",
        teamId: sales, targetType: "Note", targetId: note.id,
        before: { conversationId: conv(3), authorId: user("ali@acme.test"), body: "Customer's card ends 4242", visibility: "TEAM", deletedAt: null },
        after: { deletedAt: SEED_NOW.toISOString() },
      }]);
      for (const email of ["ali@acme.test", "maya@acme.test", "admin@acme.test"]) {
        expect((await notesSeenBy(email, 3)).map((n) => n.id)).not.toContain(note.id);
      }
      // Gone for good: deleting again, or its author editing it within the window, is NOT_FOUND and writes nothing.
      await expectRefused(() => app.gql("admin@acme.test", DELETE, { id: note.id }), "deleteNote", "NOT_FOUND", []);
      await expectRefused(() => app.gql("ali@acme.test", EDIT, { id: note.id, body: "back" }), "editNote", "NOT_FOUND", []);
    });

    test("a MANAGER, the author agent, or an API client: FORBIDDEN at the shield, recorded, note kept", async () => {
      const note = await addAs("ali@acme.test", 3, "Keep me");
      const key = await createApiKeyFor(app, { scopes: Object.values(ApiScope), teamNames: ["Sales"] });
      for (const [auth, actor] of [
        [`Bearer ${await app.token("maya@acme.test")}`, { actorType: "USER", actorRole: "MANAGER" }],
        [`Bearer ${await app.token("ali@acme.test")}`, { actorType: "USER", actorRole: "AGENT" }],
        [key, { actorType: "API_KEY", actorRole: null }],
      ] as const) {
        await expectRefused(() => app.gqlWithAuth(auth, DELETE, { id: note.id }), "deleteNote", "FORBIDDEN",
          [{ action: "note.delete", outcome: "DENIED", ...actor, teamId: null, targetType: "Note", targetId: note.id }]);
      }
      expect((await notesSeenBy("ali@acme.test", 3)).map((n) => n.id)).toContain(note.id);
    });

    test("missing, malformed and Globex note ids are NOT_FOUND and write nothing", async () => {
      const globexNote = (await app.db.manager.findOneByOrFail(Note, { organizationId: globex })).id;
      for (const id of [globexNote, "00000000-0000-4000-8000-000000000000", "nope"]) {
        await expectRefused(() => app.gql("admin@acme.test", DELETE, { id }), "deleteNote", "NOT_FOUND", []);
      }
      expect(await app.db.manager.findOneByOrFail(Note, { id: globexNote })).toMatchObject({ deletedAt: null });
    });

    test("ADMIN may delete a MANAGERS note; its body stays in the audit trail", async () => {
      const seeded = byNumber(rows, 9).notes[0];
      expect(seeded).toMatchObject({ visibility: "MANAGERS", authorId: user("maya@acme.test") });
      const seq = await lastSeq();
      const res = await app.gql<{ deleteNote: NoteView }>("admin@acme.test", DELETE, { id: seeded.id });
      expect(res.body.errors).toBeUndefined();
      const [entry] = await entriesAfter(seq);
      expect(entry).toMatchObject({ action: "note.delete", outcome: "SUCCESS", before: { body: seeded.body, visibility: "MANAGERS" } });
    });
  });
});
