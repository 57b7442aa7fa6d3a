import request from "supertest";
import { createLogger } from "../src/logger";
import { defaultSecurityConfig } from "../src/security/securityConfig";
import { createGateway, Gateway } from "../src/server";
import { codes, startTestApp, TestApp } from "./helpers/testApp";
import { subscribe, wsClient } from "./helpers/wsClient";

const budget = (perPrincipalPerMinute: number, perIpPerMinute: number) =>
  ({ ...defaultSecurityConfig(), rateLimit: { perPrincipalPerMinute, perIpPerMinute } });
const ME = "{ me { role } }";

describe("rate limits on one instance", () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp({ config: { security: budget(5, 3) } }); });
  afterAll(async () => { await app.close(); });

  test("a principal over its budget gets RATE_LIMITED with a retry-after; others are unaffected", async () => {
    const maya = `Bearer ${await app.token("maya@acme.test")}`;
    for (let i = 0; i < 5; i++) expect((await app.gqlWithAuth(maya, ME)).status).toBe(200);
    const res = await request(app.url).post("/graphql").set("content-type", "application/json").set("authorization", maya).send({ query: ME });
    expect(res.status).toBe(429);
    expect(res.body.errors).toEqual([{ message: expect.any(String), extensions: { code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) } }]);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect((await app.gql("sam@acme.test", ME)).status).toBe(200);
  });

  test("failed credentials spend the IP's budget", async () => {
    for (let i = 0; i < 3; i++) expect((await app.gqlWithAuth("Bearer wrong", ME)).status).toBe(401);
    const res = await app.gqlWithAuth("Bearer wrong", ME);
    expect([res.status, codes(res)]).toEqual([429, ["RATE_LIMITED"]]);
  });

  test("operations over WebSocket spend the same budget", async () => {
    const client = wsClient(app, `Bearer ${await app.token("bea@acme.test")}`);
    try {
      for (let i = 0; i < 5; i++) expect((await subscribe(client, ME).waitFor(1))[0].errors).toBeUndefined();
      const ended = await subscribe(client, ME).ended;
      expect((ended.error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toEqual(["RATE_LIMITED"]);
    } finally {
      await client.dispose();
    }
  });
});

// With Redis, the budget holds across instances. Runs whenever REDIS_URL is set (CI sets it).
const describeWithRedis = process.env.REDIS_URL ? describe : describe.skip;
describeWithRedis("rate limits across two instances (Redis)", () => {
  let a: TestApp;
  let b: Gateway;
  let bUrl: string;
  beforeAll(async () => {
    a = await startTestApp({ config: { security: budget(6, 100), redisUrl: process.env.REDIS_URL } });
    b = await createGateway({ config: a.config, db: a.db, logger: createLogger("silent") });
    bUrl = `http://127.0.0.1:${await b.listen(0)}`;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  test("requests spread over both instances share one budget", async () => {
    const auth = `Bearer ${await a.token("carl@acme.test")}`;
    const post = (url: string) => request(url).post("/graphql").set("content-type", "application/json").set("authorization", auth).send({ query: ME });
    for (let i = 0; i < 3; i++) {
      expect((await post(a.url)).status).toBe(200);
      expect((await post(bUrl)).status).toBe(200);
    }
    expect((await post(a.url)).status).toBe(429);
    expect((await post(bUrl)).status).toBe(429);
  });
});
