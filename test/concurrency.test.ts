import { verifyChain } from "../src/audit/verifyChain";
import { Assignment } from "../src/entities/Assignment";
import { AuditEntry } from "../src/entities/AuditEntry";
import { AuditOutcome } from "../src/entities/enums";
import { buildAgents, buildConversations, conversationRow } from "./helpers/rows";
import { codes, startTestApp, TestApp } from "./helpers/testApp";

// Runs on SQLite (transactions queued on its one connection) and on MariaDB (real concurrency,
// compare-and-set on `version`, the audit head row locked per organization).
let app: TestApp;
let agents: string[];
const CLAIM = `mutation($id: ID!) { claimConversation(id: $id) { id version assignee { id } } }`;

beforeAll(async () => {
  app = await startTestApp();
  agents = await buildAgents(app, "acme/Sales", 50, "racer");
});
afterAll(async () => { await app.close(); });

test("30 agents claim one conversation at once: one wins, 29 CONFLICT, one history row, one success entry", async () => {
  const [id] = await buildConversations(app, "acme/Sales", 1);
  const tokens = await Promise.all(agents.slice(0, 30).map((e) => app.token(e)));
  const results = await Promise.all(tokens.map((t) => app.gqlWithAuth(`Bearer ${t}`, CLAIM, { id })));

  const winners = results.filter((r) => r.body.data?.claimConversation);
  const conflicts = results.filter((r) => codes(r).join() === "CONFLICT");
  expect(winners).toHaveLength(1);
  expect(conflicts).toHaveLength(29);
  const winnerId = winners[0].body.data!.claimConversation.assignee.id;
  expect(winners[0].body.data!.claimConversation.version).toBe(2);

  const row = await conversationRow(app, id);
  expect([row.assigneeId, row.version]).toEqual([winnerId, 2]);
  expect(await app.db.manager.count(Assignment, { where: { conversationId: id } })).toBe(1);
  const entries = await app.db.manager.find(AuditEntry, { where: { targetId: id } });
  expect(entries.filter((e) => e.outcome === AuditOutcome.SUCCESS).map((e) => e.actorId)).toEqual([winnerId]);
  expect(entries.filter((e) => e.outcome === AuditOutcome.CONFLICT)).toHaveLength(29);
});

test("50 concurrent mutations in one organization still form one valid chain", async () => {
  const ids = await buildConversations(app, "acme/Sales", 50);
  const tokens = await Promise.all(agents.map((e) => app.token(e)));
  const results = await Promise.all(ids.map((id, i) => app.gqlWithAuth(`Bearer ${tokens[i]}`, CLAIM, { id })));
  expect(results.filter((r) => r.body.data?.claimConversation)).toHaveLength(50);

  const report = await verifyChain(app.db.manager, app.seed.organizations.acme);
  expect(report).toEqual({ ok: true, organizationId: app.seed.organizations.acme, entries: await app.db.manager.count(AuditEntry, { where: { organizationId: app.seed.organizations.acme } }) });
  const seqs = (await app.db.manager.find(AuditEntry, { where: { organizationId: app.seed.organizations.acme }, order: { seq: "ASC" } })).map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
});
