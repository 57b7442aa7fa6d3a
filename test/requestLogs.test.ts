import { Writable } from "node:stream";
import { openDatabase } from "../src/bootstrap";
import type { Database } from "../src/db";
import { Contact } from "../src/entities/Contact";
import { createLogger } from "../src/logger";
import { createGateway, Gateway } from "../src/server";
import { byNumber, loadConversations } from "./helpers/demoRows";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, wsClient } from "./helpers/wsClient";

// The structured request log, as an on-call engineer reads it: one JSON line per GraphQL
// operation over HTTP and WebSocket with request id, principal, operation, outcome and duration,
// and never a token, an API key secret, the JWT secret or a phone number. The gateway under test
// logs at `trace` (everything) through the production logger into memory.

interface LogLine {
  level: number;
  msg: string;
  requestId?: string | null;
  transport?: string;
  principal?: { kind: string; id?: string; organizationId: string } | null;
  operationName?: string | null;
  operationType?: string | null;
  outcome?: string;
  errorCodes?: string[];
  durationMs?: number;
  httpStatus?: number;
  events?: number;
  [k: string]: unknown;
}

let app: TestApp;
let gateway: Gateway;
let gatewayDb: Database;
let url: string;
const raw: string[] = [];
/** Every credential or secret the test used; none may appear in any line. */
const secrets: string[] = [];

const lines = (): LogLine[] => raw.map((l) => JSON.parse(l) as LogLine);
const operations = (): LogLine[] => lines().filter((l) => l.msg === "graphql operation");
const byRequestId = (id: string): LogLine[] => operations().filter((l) => l.requestId === id);

async function post(authorization: string | null, query: string, variables?: Record<string, unknown>, requestId?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  if (requestId) headers["x-request-id"] = requestId;
  const res = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, requestId: res.headers.get("x-request-id"), body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}
const bearer = async (email: string) => {
  const token = await app.token(email);
  secrets.push(token);
  return `Bearer ${token}`;
};

beforeAll(async () => {
  app = await startTestApp();
  // A second gateway on the same database, with a logger writing into memory (as in scaleOut).
  gatewayDb = app.testDb.kind === "mysql" ? await openDatabase(app.testDb.config) : app.db;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split("\n").filter((l) => l.trim() !== ""));
      done();
    },
  });
  gateway = await createGateway({ config: app.config, db: gatewayDb, logger: createLogger("trace", sink), now: () => app.clock.now });
  url = `http://127.0.0.1:${await gateway.listen(0)}`;
  const jwtSecret = Buffer.from(app.config.jwtSecret);
  secrets.push(jwtSecret.toString("hex"), jwtSecret.toString("base64"), jwtSecret.toString("base64url"));
  for (const c of await app.db.manager.find(Contact)) secrets.push(c.phoneNumber, c.whatsappId);
});
afterAll(async () => {
  await gateway?.stop();
  if (gatewayDb && gatewayDb !== app.db) await gatewayDb.dataSource.destroy();
  await app?.close();
});

describe("over HTTP", () => {
  test("a successful query: request id, principal kind and id, operation, outcome ok, duration", async () => {
    const res = await post(await bearer("admin@acme.test"),
      `query Inbox { conversations(first: 50) { nodes { id contact { phoneNumber whatsappId } } } }`, undefined, "trace-inbox-0001");
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    // The admin read phone numbers: they were in the response, so the log is really tested.
    expect(JSON.stringify(res.body)).toMatch(/"\+\d{8,}"/);
    const [line, ...more] = byRequestId("trace-inbox-0001");
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30, transport: "http", operationName: "Inbox", operationType: "query", outcome: "ok", errorCodes: [], httpStatus: 200,
      principal: { kind: "USER", id: app.seed.users["admin@acme.test"], organizationId: app.seed.organizations.acme },
    });
    expect(typeof line.durationMs).toBe("number");
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
  });

  test("the generated request id in the response header is the one in the log", async () => {
    const res = await post(await bearer("maya@acme.test"), `{ me { role } }`);
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byRequestId(res.requestId!)).toEqual([expect.objectContaining({ operationName: null, operationType: "query", outcome: "ok" })]);
  });

  test("phone numbers in variables never reach the log", async () => {
    const rows = await loadConversations(app, app.seed.organizations.acme);
    const phone = byNumber(rows, 3).phoneNumber;
    const res = await post(await bearer("admin@acme.test"),
      `query ByPhone($p: String) { conversations(first: 5, filter: { phoneNumber: $p }) { totalCount } }`, { p: phone }, "trace-phone-0001");
    expect(res.body.data?.conversations.totalCount).toBeGreaterThan(0);
    expect(byRequestId("trace-phone-0001")).toEqual([expect.objectContaining({ operationName: "ByPhone", outcome: "ok" })]);
  });

  test("denied fields: the outcome carries FORBIDDEN", async () => {
    const res = await post(await bearer("ali@acme.test"),
      `query AgentPhones { conversations(first: 50) { nodes { contact { phoneNumber } } } }`, undefined, "trace-forbid-001");
    expect(res.body.errors?.map((e) => e.extensions?.code)).toContain("FORBIDDEN");
    expect(byRequestId("trace-forbid-001")).toEqual([expect.objectContaining({
      operationName: "AgentPhones", outcome: "FORBIDDEN", errorCodes: ["FORBIDDEN"],
      principal: expect.objectContaining({ kind: "USER", id: app.seed.users["ali@acme.test"] }),
    })]);
  });

  test("a bad or missing credential: one line, UNAUTHENTICATED, no principal, and not the credential", async () => {
    const forged = `Bearer ${(await app.token("admin@acme.test")).slice(0, -4)}AAAA`;
    secrets.push(forged.slice("Bearer ".length));
    const bad = await post(forged, `query Sneaky { me { role } }`, undefined, "trace-unauth-01");
    expect(bad.status).toBe(401);
    expect(byRequestId("trace-unauth-01")).toEqual([expect.objectContaining({ operationName: "Sneaky",
      transport: "http", principal: null, outcome: "UNAUTHENTICATED", errorCodes: ["UNAUTHENTICATED"], httpStatus: 401,
    })]);
    const none = await post(null, `{ me { role } }`, undefined, "trace-unauth-02");
    expect(none.status).toBe(401);
    expect(byRequestId("trace-unauth-02")).toEqual([expect.objectContaining({ outcome: "UNAUTHENTICATED", principal: null })]);
  });

  test("a malformed body is logged as BAD_REQUEST", async () => {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "trace-badjson-1" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect(byRequestId("trace-badjson-1")).toEqual([expect.objectContaining({ outcome: "BAD_REQUEST", httpStatus: 400, principal: null })]);
  });

  test("a request refused by CSRF prevention is logged with its code and the name it gave", async () => {
    const query = encodeURIComponent("query Simple { me { role } }");
    const res = await fetch(`${url}/graphql?query=${query}`, { headers: { authorization: await bearer("maya@acme.test"), "x-request-id": "trace-csrf-0001" } });
    expect(res.status).toBe(400);
    expect(byRequestId("trace-csrf-0001")).toEqual([expect.objectContaining({ operationName: "Simple", outcome: "BAD_REQUEST", httpStatus: 400 })]);
  });

  test("an API key created, then used: principal API_KEY with its id; the secret is in no line", async () => {
    const created = await post(await bearer("admin@acme.test"),
      `mutation NewKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret authorization } }`,
      { input: { name: "log test", scopes: ["CONVERSATIONS_READ", "CONTACTS_READ_PII"], teamIds: [app.seed.teams["acme/Sales"]] } }, "trace-newkey-01");
    const key = created.body.data!.createApiKey as { apiKey: { id: string }; secret: string; authorization: string };
    secrets.push(key.secret, key.authorization);
    expect(byRequestId("trace-newkey-01")).toEqual([expect.objectContaining({ operationName: "NewKey", operationType: "mutation", outcome: "ok" })]);

    const read = await post(key.authorization, `query Partner { conversations(first: 20) { nodes { contact { phoneNumber } } } }`, undefined, "trace-apikey-01");
    expect(read.body.errors).toBeUndefined();
    expect(JSON.stringify(read.body)).toMatch(/"\+\d{8,}"/);
    expect(byRequestId("trace-apikey-01")).toEqual([expect.objectContaining({
      operationName: "Partner", outcome: "ok", principal: { kind: "API_KEY", id: key.apiKey.id, organizationId: app.seed.organizations.acme },
    })]);
  });
});

describe("over WebSocket", () => {
  test("queries and subscriptions: transport ws, principal, operation, outcome, duration, events", async () => {
    const rows = await loadConversations(app, app.seed.organizations.acme);
    const client = wsClient(url, await bearer("maya@acme.test"));
    try {
      const query = subscribe(client, `query WsPhones { conversations(first: 10) { nodes { contact { phoneNumber } } } }`);
      await query.ended;
      expect(JSON.stringify(query.results)).toMatch(/"\+\d{8,}"/);
      const wsQuery = operations().filter((l) => l.transport === "ws" && l.operationName === "WsPhones");
      expect(wsQuery).toEqual([expect.objectContaining({
        operationType: "query", outcome: "ok", errorCodes: [],
        principal: { kind: "USER", id: app.seed.users["maya@acme.test"], organizationId: app.seed.organizations.acme },
      })]);
      expect(wsQuery[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof wsQuery[0].durationMs).toBe("number");

      const live = subscribe(client, `subscription Queue($t: ID!) { queueChanged(teamId: $t) { type conversation { contact { phoneNumber } } } }`,
        { t: app.seed.teams["acme/Sales"] });
      await settle(200);
      const unassigned = rows.find((r) => r.teamId === app.seed.teams["acme/Sales"] && r.assigneeId === null && r.status === "OPEN")!;
      const claim = await post(await bearer("ali@acme.test"), `mutation Claim($id: ID!) { claimConversation(id: $id) { id } }`, { id: unassigned.id });
      expect(claim.body.errors).toBeUndefined();
      await live.waitFor(1);
      expect(JSON.stringify(live.results)).toMatch(/"\+\d{8,}"/);
      live.stop();
      await live.ended;
      await settle(100);
      expect(operations().filter((l) => l.transport === "ws" && l.operationName === "Queue")).toEqual([expect.objectContaining({
        operationType: "subscription", outcome: "ok", events: 1, principal: expect.objectContaining({ kind: "USER", id: app.seed.users["maya@acme.test"] }),
      })]);

      // Refused before running (validation): logged at once, with the code the client got.
      const invalid = subscribe(client, `query Broken { nope }`);
      await invalid.ended;
      expect(operations().filter((l) => l.transport === "ws" && l.operationName === "Broken")).toEqual([expect.objectContaining({
        outcome: "GRAPHQL_VALIDATION_FAILED", principal: expect.objectContaining({ id: app.seed.users["maya@acme.test"] }),
      })]);
    } finally {
      await client.dispose();
    }
  });
});

afterAll(() => { if (process.env.PRINT_LOG_LINES) process.stderr.write(raw.join("\n") + "\n"); });

test("no line holds a token, an API key secret, the JWT secret or a phone number", () => {
  expect(raw.length).toBeGreaterThan(10);
  expect(secrets.length).toBeGreaterThan(50);
  for (const line of raw) {
    for (const secret of secrets) {
      if (line.includes(secret)) throw new Error(`a log line contains a secret or phone number: ${line}`);
    }
    // Nothing shaped like a JWT or an E.164 number either.
    expect(line).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(line).not.toMatch(/\+\d{8,15}/);
  }
});
