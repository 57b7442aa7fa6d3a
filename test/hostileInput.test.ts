import request from "supertest";
import WebSocket from "ws";
import { defaultSecurityConfig } from "../src/security/securityConfig";
import { codes, startTestApp, TestApp } from "./helpers/testApp";
import { subscribe, wsClient } from "./helpers/wsClient";

// Small limits so each hostile operation is easy to write; the same numbers on both transports.
const LIMITS = { depth: 5, aliases: 3, directives: 3, tokens: 200, cost: 500 };
let app: TestApp;
let auth: string;

beforeAll(async () => {
  app = await startTestApp({ config: { security: { ...defaultSecurityConfig(), limits: LIMITS, rateLimit: { perPrincipalPerMinute: 1e6, perIpPerMinute: 1e6 } } } });
  auth = `Bearer ${await app.token("admin@acme.test")}`;
});
afterAll(async () => { await app.close(); });

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { role }`).join(" ")} }`;
const directives = (n: number) => `{ me { ${["role", "kind", "can", "scopes", "user { name }"].slice(0, n).map((f) => `${f.split(" ")[0]} @include(if: true) ${f.includes("{") ? "{ name }" : ""}`).join(" ")} } }`;
const tokens = (n: number) => `{ me { ${Array.from({ length: n }, () => "role").join(" ")} } }`; // ~n + 6 tokens

/** Each limit: an operation within it and one beyond it, with the code the beyond one must get. */
const cases: { limit: string; ok: string; over: string; code: string; variables?: Record<string, unknown> }[] = [
  { limit: "depth", ok: "{ me { user { teams { name } } } }", over: "{ me { user { teams { members { teams { members { name } } } } } } }", code: "GRAPHQL_VALIDATION_FAILED" },
  { limit: "aliases", ok: aliases(3), over: aliases(4), code: "GRAPHQL_VALIDATION_FAILED" },
  { limit: "directives", ok: directives(3), over: directives(4), code: "GRAPHQL_VALIDATION_FAILED" },
  { limit: "tokens", ok: tokens(150), over: tokens(250), code: "GRAPHQL_PARSE_FAILED" },
  { limit: "cost (lists multiplied by `first`)", ok: "{ conversations(first: 5) { nodes { id labels { id } } } }",
    over: "query($n: Int!) { conversations(first: $n) { nodes { id labels { id } } } }", variables: { n: 100 }, code: "QUERY_TOO_COMPLEX" },
];

describe.each(cases)("the $limit limit", ({ ok, over, code, variables }) => {
  test("over HTTP: within passes, beyond is refused with its code and HTTP 400, before any resolver runs", async () => {
    const fine = await app.gqlWithAuth(auth, ok, variables);
    expect([fine.status, fine.body.errors]).toEqual([200, undefined]);
    app.queries.count = 0;
    const refused = await app.gqlWithAuth(auth, over, variables);
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual([code]);
    expect(refused.body.data).toBeUndefined();
    expect(app.queries.count).toBeLessThanOrEqual(4); // authentication only: nothing was executed
  });

  test("over WebSocket: the same operations get the same answers", async () => {
    const client = wsClient(app, auth);
    try {
      const fine = subscribe(client, ok, variables);
      expect((await fine.waitFor(1))[0].errors).toBeUndefined();
      const refused = subscribe(client, over, variables);
      const ended = await refused.ended;
      expect((ended.error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toEqual([code]);
      expect(refused.results).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});

describe("document size", () => {
  test("an HTTP body over 100 kB is 413 with a GraphQL error body", async () => {
    const res = await request(app.url).post("/graphql").set("content-type", "application/json").set("authorization", auth)
      .send({ query: `{ me { role } }`, variables: { pad: "x".repeat(120_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "BAD_REQUEST" } }] });
  });

  test("a WebSocket message over 64 kB closes the socket (1009)", async () => {
    const closed = await new Promise<number>((resolve) => {
      const socket = new WebSocket(app.url.replace("http", "ws") + "/graphql", "graphql-transport-ws");
      socket.on("open", () => {
        socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: auth } }));
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: `{ me { role } }`, variables: { pad: "x".repeat(70_000) } } }));
      });
      socket.on("close", (code) => resolve(code));
    });
    expect(closed).toBe(1009);
  });
});

describe("the HTTP transport", () => {
  test("batched requests are refused", async () => {
    const res = await request(app.url).post("/graphql").set("content-type", "application/json").set("authorization", auth)
      .send([{ query: "{ me { role } }" }, { query: "{ me { role } }" }]);
    expect(res.status).toBe(400);
  });

  test("CSRF prevention: a simple (preflight-free) request is refused, a JSON one accepted", async () => {
    const simple = await request(app.url).post("/graphql").set("content-type", "text/plain").set("authorization", auth).send(`{"query":"{ me { role } }"}`);
    expect(simple.status).toBe(400);
    const getWithout = await request(app.url).get("/graphql").query({ query: "{ me { role } }" }).set("authorization", auth);
    expect(getWithout.status).toBe(400);
  });

  test("GraphQL over HTTP: GET runs queries (with a preflight header), never mutations", async () => {
    const get = await request(app.url).get("/graphql").query({ query: "{ me { role } }" }).set("authorization", auth)
      .set("apollo-require-preflight", "1").set("accept", "application/graphql-response+json");
    expect(get.status).toBe(200);
    expect(get.headers["content-type"]).toMatch(/^application\/graphql-response\+json/);
    expect(JSON.parse(get.text)).toEqual({ data: { me: { role: "ADMIN" } } });
    const mutation = await request(app.url).get("/graphql").query({ query: `mutation { claimConversation(id: "x") { id } }` })
      .set("authorization", auth).set("apollo-require-preflight", "1");
    expect(mutation.status).toBe(405);
  });

  test("GraphQL over HTTP: with application/graphql-response+json, a request error is HTTP 400 in that media type", async () => {
    const res = await request(app.url).post("/graphql").set("content-type", "application/json").set("authorization", auth)
      .set("accept", "application/graphql-response+json").send({ query: "{ nope }" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/graphql-response\+json/);
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  test("security headers are set (helmet)", async () => {
    const res = await request(app.url).get("/healthz");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });
});
