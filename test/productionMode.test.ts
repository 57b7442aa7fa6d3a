import request from "supertest";
import WebSocket from "ws";
import { auditFaults } from "../src/commands/runCommand";
import { defaultSecurityConfig } from "../src/security/securityConfig";
import { buildConversations } from "./helpers/rows";
import { codes, startTestApp, TestApp } from "./helpers/testApp";
import { subscribe, wsClient } from "./helpers/wsClient";

let app: TestApp;
let auth: string;
const ALLOWED = "https://inbox.acme.test";

beforeAll(async () => {
  app = await startTestApp({ config: { nodeEnv: "production", security: { ...defaultSecurityConfig(), allowedOrigins: [ALLOWED], rateLimit: { perPrincipalPerMinute: 1e6, perIpPerMinute: 1e6 } } } });
  auth = `Bearer ${await app.token("admin@acme.test")}`;
});
afterAll(async () => { await app.close(); });

/** Every error anywhere in a body, flattened, to look for leaks. */
const allText = (body: unknown): string => JSON.stringify(body);

describe("NODE_ENV=production", () => {
  test("introspection is off", async () => {
    const res = await app.gqlWithAuth(auth, "{ __schema { types { name } } }");
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  test("introspection is off over WebSocket too, and suggestions are dropped there as well", async () => {
    const client = wsClient(app, auth);
    try {
      const intro = await subscribe(client, "{ __schema { types { name } } }").ended;
      const introCodes = (intro.error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
      expect(introCodes.length).toBeGreaterThan(0);
      expect(new Set(introCodes)).toEqual(new Set(["GRAPHQL_VALIDATION_FAILED"]));
      const typo = await subscribe(client, "{ conversaton { id } }").ended;
      expect(JSON.stringify(typo.error)).not.toMatch(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  test("no field suggestions", async () => {
    const res = await app.gqlWithAuth(auth, "{ conversaton { id } }");
    expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(allText(res.body)).not.toMatch(/Did you mean/);
  });

  test("internal errors are masked, carry the request id, and show no stack", async () => {
    const [id] = await buildConversations(app, "acme/Sales", 1);
    auditFaults.failNext = true;
    const res = await request(app.url).post("/graphql").set("content-type", "application/json").set("authorization", auth)
      .send({ query: `mutation($id: ID!) { claimConversation(id: $id) { id } }`, variables: { id } });
    expect(res.body.errors).toEqual([{
      message: "Internal server error", locations: expect.any(Array), path: ["claimConversation"],
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: res.headers["x-request-id"] },
    }]);
    expect(allText(res.body)).not.toMatch(/injected|stack|at \w+ \(/);
  });

  test("expected errors keep their codes and show no stack", async () => {
    const res = await app.gqlWithAuth(auth, `{ conversation(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(res.body.errors).toEqual([{ message: expect.any(String), locations: expect.any(Array), path: ["conversation"], extensions: { code: "NOT_FOUND" } }]);
  });
});

describe("WebSocket upgrades and ALLOWED_ORIGINS", () => {
  const upgrade = (origin?: string) => new Promise<"open" | number>((resolve) => {
    const socket = new WebSocket(app.url.replace("http", "ws") + "/graphql", "graphql-transport-ws", origin ? { origin } : {});
    socket.on("open", () => { socket.close(); resolve("open"); });
    socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.on("error", () => undefined);
  });

  test("an allowed origin, or none (a non-browser client), may upgrade", async () => {
    expect(await upgrade(ALLOWED)).toBe("open");
    expect(await upgrade()).toBe("open");
  });

  test("any other origin is refused", async () => {
    expect(await upgrade("https://evil.example")).toBe(401);
    expect(await upgrade("http://inbox.acme.test")).toBe(401);
  });
});
