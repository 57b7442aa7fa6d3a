import { Assignment } from "../src/entities/Assignment";
import { newId } from "../src/entities/columns";
import { Contact } from "../src/entities/Contact";
import { Conversation } from "../src/entities/Conversation";
import { ConversationLabel } from "../src/entities/ConversationLabel";
import { ConversationStatus, DeliveryStatus, MessageDirection, NoteVisibility, Priority } from "../src/entities/enums";
import { Label } from "../src/entities/Label";
import { Message } from "../src/entities/Message";
import { Note } from "../src/entities/Note";
import { startTestApp, TestApp } from "./helpers/testApp";

const PAGE = `query($first: Int!, $after: String) {
  conversations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      team { id name }
      contact { phoneNumber maskedPhoneNumber }
      assignee { name email }
      labels { id name }
      notes(last: 3) { id body }
      messages(last: 3) { id body }
      assignmentHistory { id action }
    }
  }
}`;

/** Extra Sales conversations, so that a page of 100 is really 100 rows for the admin and for maya. */
const EXTRA = 80;
const MINUTE = 60_000;

interface Node {
  id: string;
  contact: { phoneNumber: string | null };
  assignee: { name: string } | null;
  labels: unknown[];
  notes: unknown[];
  messages: unknown[];
  assignmentHistory: unknown[] | null;
}

describe("SQL statements per page of conversations", () => {
  let app: TestApp;

  /** Inserts EXTRA conversations in Sales, interleaved in time with the seeded ones, each with children. */
  async function addSalesConversations(): Promise<void> {
    const org = app.seed.organizations.acme;
    const team = app.seed.teams["acme/Sales"];
    const assignees = [null, "ali@acme.test", "carl@acme.test", "maya@acme.test"].map((e) => (e ? app.seed.users[e] : null));
    const labels = await app.db.manager.find(Label, { where: { organizationId: org, archived: false } });
    const now = Date.now();
    const contacts: Contact[] = [], conversations: Conversation[] = [], messages: Message[] = [];
    const notes: Note[] = [], assignments: Assignment[] = [], tags: ConversationLabel[] = [];
    for (let i = 1; i <= EXTRA; i++) {
      const createdAt = new Date(now - (i * 37 * MINUTE + 13_000));
      const assigneeId = assignees[i % assignees.length];
      const contactId = newId();
      const id = newId();
      const phone = `+44770090${String(2000 + i).padStart(4, "0")}`;
      contacts.push({ id: contactId, organizationId: org, name: `Extra ${i}`, phoneNumber: phone, whatsappId: phone.slice(1), createdAt });
      conversations.push({
        id, organizationId: org, teamId: team, contactId, status: i % 5 === 0 ? ConversationStatus.PENDING : ConversationStatus.OPEN,
        priority: Priority.NORMAL, assigneeId, version: 1, lastInboundAt: createdAt, waitingSince: null,
        lastActivityAt: createdAt, createdAt, updatedAt: createdAt,
      });
      for (let j = 0; j < 2 + (i % 4); j++) {
        messages.push({
          id: newId(), organizationId: org, conversationId: id, direction: j % 2 ? MessageDirection.OUTBOUND : MessageDirection.INBOUND,
          body: `extra ${i} message ${j}`, templateId: null, senderId: j % 2 ? assigneeId : null,
          status: j % 2 ? DeliveryStatus.DELIVERED : DeliveryStatus.RECEIVED, externalId: `wamid.extra.${i}.${j}`, failureReason: null,
          createdAt: new Date(createdAt.getTime() + j * MINUTE),
        });
      }
      for (let j = 0; j < i % 5; j++) {
        notes.push({
          id: newId(), organizationId: org, conversationId: id, authorId: app.seed.users["maya@acme.test"], body: `extra ${i} note ${j}`,
          visibility: j % 2 ? NoteVisibility.MANAGERS : NoteVisibility.TEAM, editedAt: null, deletedAt: null,
          createdAt: new Date(createdAt.getTime() + (j + 1) * MINUTE),
        });
      }
      if (assigneeId) {
        assignments.push({
          id: newId(), organizationId: org, conversationId: id, action: "ASSIGN", fromAssigneeId: null, toAssigneeId: assigneeId,
          fromTeamId: null, toTeamId: null, assignedById: app.seed.users["maya@acme.test"], assignedByApiKeyId: null, reason: null,
          createdAt: new Date(createdAt.getTime() + MINUTE),
        });
      }
      for (let j = 0; j < i % 3; j++) {
        tags.push({ conversationId: id, labelId: labels[(i + j) % labels.length].id, organizationId: org, appliedById: assigneeId, appliedAt: createdAt });
      }
    }
    await app.db.transaction(async (m) => {
      const insert = async <T extends object>(target: new () => T, rows: T[]) => {
        for (let k = 0; k < rows.length; k += 50) await m.insert(target, rows.slice(k, k + 50));
      };
      await insert(Contact, contacts);
      await insert(Conversation, conversations);
      await insert(Message, messages);
      await insert(Note, notes);
      await insert(Assignment, assignments);
      await insert(ConversationLabel, tags);
    });
  }

  beforeAll(async () => {
    app = await startTestApp();
    await addSalesConversations();
  });
  afterAll(async () => { await app.close(); });

  /** Runs one page request and returns how many SQL statements it cost, with its nodes. */
  async function measure(email: string, first: number, after: string | null = null): Promise<{ statements: number; nodes: Node[]; endCursor: string }> {
    const authorization = `Bearer ${await app.token(email)}`;
    app.queries.count = 0;
    const res = await app.gqlWithAuth<{ conversations: { totalCount: number; pageInfo: { endCursor: string }; nodes: Node[] } }>(
      authorization, PAGE, { first, after });
    const statements = app.queries.count;
    expect(res.status).toBe(200);
    // Agents are denied some fields (FORBIDDEN at their path); nothing else may go wrong.
    expect((res.body.errors ?? []).filter((e) => e.extensions?.code !== "FORBIDDEN")).toEqual([]);
    return { statements, nodes: res.body.data!.conversations.nodes, endCursor: res.body.data!.conversations.pageInfo.endCursor };
  }

  /**
   * Page sizes per principal. Whether a page has an assigned conversation changes the cost by the
   * assignee loaders (a data difference, not a size one), so every measured page must hold one:
   * the oldest conversation of the admin's and maya's lists is assigned, but ali's is not.
   */
  const cases: [string, number, number[]][] = [
    ["admin@acme.test", 120, [1, 25, 100]],
    ["maya@acme.test", 100, [1, 25, 100]],
    ["ali@acme.test", 52, [10, 25, 100]],
  ];

  it.each(cases)("%s: a page costs the same number of statements whatever its size (and stays under 20)", async (email, visible, sizes) => {
    const results = [];
    for (const first of sizes) {
      const { statements, nodes } = await measure(email, first);
      expect(nodes).toHaveLength(Math.min(first, visible));
      expect(nodes.some((n) => n.assignee !== null)).toBe(true);
      results.push({ first, statements });
    }
    const counts = results.map((r) => r.statements);
    expect(counts[0]).toBeGreaterThan(2);
    expect(counts[0]).toBeLessThan(20);
    expect(results).toEqual(results.map((r) => ({ first: r.first, statements: counts[0] })));
  });

  it("the big pages really exercised every child loader (so the equality above means something)", async () => {
    const { nodes } = await measure("admin@acme.test", 100);
    expect(nodes).toHaveLength(100);
    expect(nodes.filter((n) => n.assignee !== null).length).toBeGreaterThan(50);
    expect(nodes.filter((n) => n.labels.length > 0).length).toBeGreaterThan(30);
    expect(nodes.filter((n) => n.notes.length > 0).length).toBeGreaterThan(30);
    expect(nodes.filter((n) => n.notes.length === 3).length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.messages.length >= 2 && n.messages.length <= 3)).toBe(true);
    expect(nodes.filter((n) => (n.assignmentHistory ?? []).length > 0).length).toBeGreaterThan(50);
    expect(nodes.every((n) => n.contact.phoneNumber !== null)).toBe(true);
  });

  it("a deep page (after a cursor) costs the same as the first one", async () => {
    const first = await measure("admin@acme.test", 25);
    const second = await measure("admin@acme.test", 25, first.endCursor);
    const third = await measure("admin@acme.test", 25, second.endCursor);
    expect(new Set(third.nodes.map((n) => n.id)).size).toBe(25);
    expect([second.statements, third.statements]).toEqual([first.statements, first.statements]);
  });
});
