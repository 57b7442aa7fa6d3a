import { byNumber, loadConversations } from "./helpers/demoRows";
import { startTestApp, TestApp } from "./helpers/testApp";
import { settle, subscribe, wsClient } from "./helpers/wsClient";

// GET /metrics over real HTTP, in the Prometheus text format: requests by operation and outcome,
// latency histograms, authorization denials by rule, active subscriptions, database pool use and
// the default process metrics, each gateway with its own registry.

let app: TestApp;

/** Scrapes a gateway and returns its samples as `name{labels}` → value. */
async function scrape(base: string, authorization?: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`, authorization ? { headers: { authorization } } : {});
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
const sample = (samples: Map<string, number>, key: string): number => samples.get(key) ?? 0;
const requests = (labels: string) => `switchboard_graphql_requests_total{${labels}}`;

beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app?.close(); });

test("the default process metrics and every gateway metric are exposed", async () => {
  const res = await fetch(`${app.url}/metrics`);
  const text = await res.text();
  for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes",
    "switchboard_graphql_requests_total", "switchboard_graphql_request_duration_seconds", "switchboard_authorization_denials_total",
    "switchboard_graphql_active_subscriptions", "switchboard_websocket_connections", "switchboard_db_pool_connections",
    "switchboard_db_pool_max_connections", "switchboard_db_pool_waiting_requests"]) {
    expect(text).toContain(`# TYPE ${name} `);
  }
  expect(res.headers.get("cache-control")).toBe("no-store");
});

test("requests are counted by operation and outcome, with a latency histogram", async () => {
  const before = await scrape(app.url);
  const ok = 'transport="http",operation_type="query",operation="Inbox",outcome="ok"';
  for (let i = 0; i < 3; i++) {
    const res = await app.gql("maya@acme.test", `query Inbox { conversations(first: 5) { totalCount } }`);
    expect(res.body.errors).toBeUndefined();
  }
  expect((await app.gql("ali@acme.test", `query Keys { apiKeys { id } }`)).body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  expect((await app.gqlWithAuth("Bearer not-a-token", `query Inbox { me { role } }`)).status).toBe(401);
  expect((await app.gql("maya@acme.test", `query Typo { nope }`)).status).toBe(400);

  const after = await scrape(app.url);
  expect(sample(after, requests(ok)) - sample(before, requests(ok))).toBe(3);
  expect(sample(after, requests('transport="http",operation_type="query",operation="Keys",outcome="FORBIDDEN"'))).toBe(1);
  expect(sample(after, requests('transport="http",operation_type="unknown",operation="unresolved",outcome="UNAUTHENTICATED"'))).toBe(1);
  expect(sample(after, requests('transport="http",operation_type="unknown",operation="unresolved",outcome="GRAPHQL_VALIDATION_FAILED"'))).toBe(1);

  const histogram = 'switchboard_graphql_request_duration_seconds_count{transport="http",operation_type="query",operation="Inbox"}';
  expect(sample(after, histogram) - sample(before, histogram)).toBe(3);
  expect(sample(after, 'switchboard_graphql_request_duration_seconds_bucket{le="+Inf",transport="http",operation_type="query",operation="Inbox"}'))
    .toBe(sample(after, histogram));
  expect(sample(after, 'switchboard_graphql_request_duration_seconds_sum{transport="http",operation_type="query",operation="Inbox"}')).toBeGreaterThan(0);
});

test("mutations are counted as such", async () => {
  const rows = await loadConversations(app, app.seed.organizations.acme);
  const before = await scrape(app.url);
  const key = requests('transport="http",operation_type="mutation",operation="Claim",outcome="ok"');
  const res = await app.gql("ali@acme.test", `mutation Claim($id: ID!) { claimConversation(id: $id) { id } }`, { id: byNumber(rows, 23).id });
  expect(res.body.errors).toBeUndefined();
  expect(sample(await scrape(app.url), key) - sample(before, key)).toBe(1);
});

test("authorization denials are counted by the rule that denied", async () => {
  const before = await scrape(app.url);
  const denials = (rule: string) => `switchboard_authorization_denials_total{rule="${rule}"}`;
  // A principal-only rule (evaluated once per operation), a per-object rule, a mutation rule.
  await app.gql("ali@acme.test", `{ apiKeys { id } }`);
  const agentPhones = await app.gql("ali@acme.test", `{ conversations(first: 50) { nodes { contact { phoneNumber } } } }`);
  const forbidden = (agentPhones.body.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN").length;
  expect(forbidden).toBeGreaterThan(0);
  await app.gql("ali@acme.test", `mutation { createLabel(name: "nope", color: "#ff0000") { id } }`);
  const allowed = await app.gql("admin@acme.test", `{ apiKeys { id } }`);
  expect(allowed.body.errors).toBeUndefined();

  const after = await scrape(app.url);
  expect(sample(after, denials("admin")) - sample(before, denials("admin"))).toBe(1);
  expect(sample(after, denials("contactPiiReader")) - sample(before, denials("contactPiiReader"))).toBe(forbidden);
  expect(sample(after, denials("managerMutation")) - sample(before, denials("managerMutation"))).toBe(1);
});

test("active subscriptions and WebSocket connections are gauges that go back down", async () => {
  const gauge = 'switchboard_graphql_active_subscriptions';
  const sockets = 'switchboard_websocket_connections';
  expect(sample(await scrape(app.url), gauge)).toBe(0);
  const client = wsClient(app, `Bearer ${await app.token("maya@acme.test")}`);
  try {
    const first = subscribe(client, `subscription Q1($t: ID!) { queueChanged(teamId: $t) { type } }`, { t: app.seed.teams["acme/Sales"] });
    const second = subscribe(client, `subscription Q2 { myAssignments { type } }`);
    await settle(300);
    let samples = await scrape(app.url);
    expect(sample(samples, gauge)).toBe(2);
    expect(sample(samples, sockets)).toBe(1);
    expect(sample(samples, requests('transport="ws",operation_type="subscription",operation="Q1",outcome="ok"'))).toBe(1);
    first.stop();
    await first.ended;
    await settle(100);
    expect(sample(await scrape(app.url), gauge)).toBe(1);
    second.stop();
    await second.ended;
    // A query over the socket is counted like one over HTTP, and is no subscription.
    const query = subscribe(client, `query OverWs { me { role } }`);
    await query.ended;
    await settle(100);
    samples = await scrape(app.url);
    expect(sample(samples, gauge)).toBe(0);
    expect(sample(samples, requests('transport="ws",operation_type="query",operation="OverWs",outcome="ok"'))).toBe(1);
  } finally {
    await client.dispose();
  }
  await settle(200);
  expect(sample(await scrape(app.url), sockets)).toBe(0);
});

test("a subscription ended by the socket closing leaves the gauge", async () => {
  const client = wsClient(app, `Bearer ${await app.token("sam@acme.test")}`);
  subscribe(client, `subscription { queueChanged(teamId: "${app.seed.teams["acme/Support"]}") { type } }`);
  await settle(300);
  expect(sample(await scrape(app.url), "switchboard_graphql_active_subscriptions")).toBe(1);
  await client.dispose();
  await settle(300);
  expect(sample(await scrape(app.url), "switchboard_graphql_active_subscriptions")).toBe(0);
});

test("database pool use: one connection on SQLite, the mysql2 pool on MySQL/MariaDB", async () => {
  const samples = await scrape(app.url);
  if (app.testDb.kind === "sqlite") {
    expect(sample(samples, 'switchboard_db_pool_connections{driver="better-sqlite3",state="open"}')).toBe(1);
    expect(sample(samples, 'switchboard_db_pool_max_connections{driver="better-sqlite3"}')).toBe(1);
  } else {
    const driver = [...samples.keys()].find((k) => k.startsWith("switchboard_db_pool_max_connections{"))!.match(/driver="(\w+)"/)![1];
    expect(["mysql", "mariadb"]).toContain(driver);
    expect(sample(samples, `switchboard_db_pool_max_connections{driver="${driver}"}`)).toBe(20);
    const open = sample(samples, `switchboard_db_pool_connections{driver="${driver}",state="open"}`);
    expect(open).toBeGreaterThanOrEqual(1);
    expect(sample(samples, `switchboard_db_pool_connections{driver="${driver}",state="idle"}`)
      + sample(samples, `switchboard_db_pool_connections{driver="${driver}",state="in_use"}`)).toBe(open);
    expect(samples.has(`switchboard_db_pool_waiting_requests{driver="${driver}"}`)).toBe(true);
  }
});

describe("separate gateways in one process", () => {
  let other: TestApp;
  beforeAll(async () => { other = await startTestApp({ config: { observability: { metricsToken: "a-long-scrape-token-for-tests" } } }); });
  afterAll(async () => { await other?.close(); });

  test("each has its own registry: one's traffic and denials do not show in the other's", async () => {
    const mine = await scrape(app.url);
    const before = await scrape(other.url, "Bearer a-long-scrape-token-for-tests");
    await other.gql("ali@acme.test", `query Elsewhere { apiKeys { id } }`);
    const theirs = await scrape(other.url, "Bearer a-long-scrape-token-for-tests");
    expect(sample(theirs, requests('transport="http",operation_type="query",operation="Elsewhere",outcome="FORBIDDEN"'))).toBe(1);
    expect(sample(theirs, 'switchboard_authorization_denials_total{rule="admin"}') - sample(before, 'switchboard_authorization_denials_total{rule="admin"}')).toBe(1);
    const mineAfter = await scrape(app.url);
    expect([...mineAfter.keys()].some((k) => k.includes('operation="Elsewhere"'))).toBe(false);
    expect(sample(mineAfter, 'switchboard_authorization_denials_total{rule="admin"}')).toBe(sample(mine, 'switchboard_authorization_denials_total{rule="admin"}'));
  });

  test("with METRICS_TOKEN, /metrics wants it as a bearer token", async () => {
    for (const authorization of [undefined, "Bearer wrong-token", "a-long-scrape-token-for-tests", "Basic a-long-scrape-token-for-tests"]) {
      const res = await fetch(`${other.url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("switchboard_");
    }
    await scrape(other.url, "Bearer a-long-scrape-token-for-tests");
  });
});

// Last: it fills this gateway's operation-name budget.
test("client-chosen operation names cannot grow /metrics without bound", async () => {
  const token = `Bearer ${await app.token("maya@acme.test")}`;
  for (let i = 0; i < 210; i++) await app.gqlWithAuth(token, `query Name${i} { me { role } }`);
  const names = new Set([...(await scrape(app.url)).keys()]
    .filter((k) => k.startsWith("switchboard_graphql_requests_total{"))
    .map((k) => /operation="([^"]*)"/.exec(k)![1]));
  expect(names.size).toBeLessThanOrEqual(201);
  expect(names.has("other")).toBe(true);
});
