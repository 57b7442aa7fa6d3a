import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { appendAuditEntry } from "../src/audit/appendAuditEntry";
import { verifyChain } from "../src/audit/verifyChain";
import { openDatabase } from "../src/bootstrap";
import { auditFaults } from "../src/commands/runCommand";
import { Assignment } from "../src/entities/Assignment";
import { AuditEntry } from "../src/entities/AuditEntry";
import { ActorType, AuditOutcome } from "../src/entities/enums";
import { seedDemo } from "../src/seed";
import { buildConversations, conversationRow } from "./helpers/rows";
import { codes, startTestApp, TestApp } from "./helpers/testApp";

let app: TestApp;
const CLAIM = `mutation($id: ID!) { claimConversation(id: $id) { id } }`;
const acme = () => app.seed.organizations.acme;

beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });

test("if the audit write fails, the change rolls back with it", async () => {
  const [id] = await buildConversations(app, "acme/Sales", 1);
  auditFaults.failNext = true;
  const res = await app.gql("ali@acme.test", CLAIM, { id });
  expect(codes(res)).toEqual(["INTERNAL_SERVER_ERROR"]);
  expect(res.body.errors![0].extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) });
  const row = await conversationRow(app, id);
  expect([row.assigneeId, row.version]).toEqual([null, 1]);
  expect(await app.db.manager.count(Assignment, { where: { conversationId: id } })).toBe(0);
  expect(await app.db.manager.count(AuditEntry, { where: { targetId: id } })).toBe(0);
  // And the next attempt goes through normally.
  expect((await app.gql("ali@acme.test", CLAIM, { id })).body.data?.claimConversation).toEqual({ id });
});

test("the database refuses to update or delete audit entries", async () => {
  const [id] = await buildConversations(app, "acme/Sales", 1);
  await app.gql("ali@acme.test", CLAIM, { id });
  const entry = await app.db.manager.findOneByOrFail(AuditEntry, { targetId: id });
  await expect(app.db.manager.update(AuditEntry, { id: entry.id }, { action: "nothing.happened" })).rejects.toThrow(/append-only/);
  await expect(app.db.manager.delete(AuditEntry, { id: entry.id })).rejects.toThrow(/append-only/);
  expect((await app.db.manager.findOneByOrFail(AuditEntry, { id: entry.id })).action).toBe("conversation.claim");
});

test("entries of each organization chain by sequence; organizations have separate chains", async () => {
  const [acmeConv] = await buildConversations(app, "acme/Sales", 1);
  const [globexConv] = await buildConversations(app, "globex/Support", 1);
  await app.gql("ali@acme.test", CLAIM, { id: acmeConv });
  await app.gql("gina@globex.test", CLAIM, { id: globexConv });
  const globex = await app.db.manager.find(AuditEntry, { where: { organizationId: app.seed.organizations.globex }, order: { seq: "ASC" } });
  expect(globex.map((e) => [e.seq, e.prevHash])).toEqual([[1, "0".repeat(64)]]);
  expect(await verifyChain(app.db.manager, acme())).toMatchObject({ ok: true });
  expect(await verifyChain(app.db.manager, app.seed.organizations.globex)).toEqual({ ok: true, organizationId: app.seed.organizations.globex, entries: 1 });
});

test("a row altered behind the gateway's back is caught, naming the first broken entry", async () => {
  const ids = await buildConversations(app, "acme/Sales", 3);
  for (const id of ids) await app.gql("ali@acme.test", CLAIM, { id });
  const victim = await app.db.manager.findOneByOrFail(AuditEntry, { targetId: ids[1] });
  // A DBA with enough privileges drops the guard and rewrites history.
  await app.db.dataSource.query("DROP TRIGGER audit_entries_no_update");
  try {
    await app.db.manager.update(AuditEntry, { id: victim.id }, { actorId: app.seed.users["carl@acme.test"] });
    const report = await verifyChain(app.db.manager, acme());
    expect(report).toMatchObject({ ok: false, brokenAt: { seq: victim.seq, id: victim.id, problem: "content does not match its hash" } });
  } finally {
    await app.db.manager.update(AuditEntry, { id: victim.id }, { actorId: victim.actorId });
    await app.db.dataSource.query(app.testDb.kind === "mysql"
      ? "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit entries are append-only'"
      : "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END");
  }
  expect(await verifyChain(app.db.manager, acme())).toMatchObject({ ok: true });
});

describe("npm run audit:verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-audit-"));
  const path = join(dir, "audit.sqlite");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = () => promisify(execFile)("npx", ["ts-node", "--transpile-only", "src/scripts/auditVerify.ts"], {
    cwd: process.cwd(), env: { ...process.env, DATABASE_URL: `sqlite:${path}`, JWT_SECRET: "x".repeat(40), NODE_ENV: "test" },
  });

  test("exits 0 on an intact chain and non-zero naming the first broken entry", async () => {
    const db = await openDatabase({ kind: "sqlite", path });
    const seed = await db.transaction((m) => seedDemo(m));
    for (let i = 0; i < 3; i++) {
      await db.transaction((m) => appendAuditEntry(m, {
        organizationId: seed.organizations.acme, teamId: null, actorType: ActorType.SYSTEM, actorId: null, actorRole: null,
        action: "test.event", targetType: "Test", targetId: null, outcome: AuditOutcome.SUCCESS, before: null, after: { i },
        requestId: null, ipAddress: null, userAgent: null, createdAt: new Date(),
      }));
    }
    const ok = await run();
    expect(ok.stdout).toContain(`ok      ${seed.organizations.acme}  3 entries`);

    await db.dataSource.query("DROP TRIGGER audit_entries_no_update");
    await db.dataSource.query("UPDATE audit_entries SET after = '{\"i\":42}' WHERE seq = 2");
    await db.dataSource.destroy();
    const failed = await run().then(() => null, (err: { code: number; stdout: string }) => err);
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(new RegExp(`BROKEN  ${seed.organizations.acme}  at seq 2 \\(entry [0-9a-f-]{36}\\): content does not match its hash`));
  }, 60_000);
});
