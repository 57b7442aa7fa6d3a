import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { SignJWT } from "jose";
import request from "supertest";
import { verifyUserToken } from "../src/auth/tokens";
import { openDatabase } from "../src/bootstrap";
import type { Config } from "../src/config";
import { Conversation } from "../src/entities/Conversation";
import { Contact } from "../src/entities/Contact";
import { ApiKey } from "../src/entities/ApiKey";
import { Role } from "../src/entities/enums";
import { User } from "../src/entities/User";
import { createLogger } from "../src/logger";
import { seedDemo } from "../src/seed";
import { createGateway } from "../src/server";
import { apiKeyIdOf, createApiKey } from "./helpers/factories";
import { GraphQLResponse, startTestApp, TestApp } from "./helpers/testApp";

const ME = "{ me { kind user { id } } }";

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Asserts the one shape every authentication failure has: 401, UNAUTHENTICATED, nothing else. */
function expectUnauthenticated(res: GraphQLResponse): string {
  expect(res.status).toBe(401);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  const [error] = res.body.errors!;
  expect(Object.keys(error).sort()).toEqual(["extensions", "message"]);
  expect(error.extensions).toEqual({ code: "UNAUTHENTICATED" });
  return error.message;
}

describe("authentication over HTTP", () => {
  let app: TestApp;
  let aliId: string;
  beforeAll(async () => {
    app = await startTestApp();
    aliId = app.seed.users["ali@acme.test"];
  });
  afterAll(async () => { await app.close(); });

  const sign = (secret: Uint8Array, alg: string, claims: { sub?: string; exp?: string | number } = {}) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg, typ: "JWT" }).setIssuedAt().setExpirationTime(claims.exp ?? "1h");
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    return jwt.sign(secret);
  };

  it("accepts a valid bearer token and a valid API key (the controls for every rejection below)", async () => {
    const user = await app.gqlWithAuth(`Bearer ${await app.token("ali@acme.test")}`, ME);
    expect(user.status).toBe(200);
    expect(user.body.errors).toBeUndefined();
    expect(user.body.data).toEqual({ me: { kind: "USER", user: { id: aliId } } });

    const key = await createApiKey(app);
    const apiKey = await app.gqlWithAuth(key, ME);
    expect(apiKey.status).toBe(200);
    expect(apiKey.body.errors).toBeUndefined();
    expect(apiKey.body.data).toEqual({ me: { kind: "API_KEY", user: null } });
  });

  describe("every bad credential is the same 401 UNAUTHENTICATED with the same message", () => {
    const messages = new Map<string, string>();
    const reject = async (name: string, authorization: string | null) => {
      const res = await app.gqlWithAuth(authorization, ME);
      messages.set(name, expectUnauthenticated(res));
    };

    it("no Authorization header", () => reject("missing", null));
    it("an empty Authorization header", () => reject("empty", ""));
    it("Bearer with garbage", () => reject("garbage", "Bearer not-a-jwt"));
    it("Bearer with nothing after it", () => reject("bearer only", "Bearer"));
    it("Bearer with two credentials", async () => reject("two credentials", `Bearer ${await app.token("ali@acme.test")} extra`));
    it("a JWT signed with another secret", async () => reject("other secret", `Bearer ${await sign(randomBytes(32), "HS256", { sub: aliId })}`));
    it("an expired JWT", async () => reject("expired", `Bearer ${await app.token("ali@acme.test", "-1h")}`));
    it("a JWT whose exp is in the past (signed by hand)", async () =>
      reject("past exp", `Bearer ${await sign(app.config.jwtSecret, "HS256", { sub: aliId, exp: Math.floor(Date.now() / 1000) - 60 })}`));
    it("an alg:none JWT", () => {
      const now = Math.floor(Date.now() / 1000);
      const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: aliId, iat: now, exp: now + 3600 })}.`;
      return reject("alg none", `Bearer ${token}`);
    });
    it("an HS512 JWT signed with the right secret (only HS256 is accepted)", async () =>
      reject("HS512", `Bearer ${await sign(app.config.jwtSecret, "HS512", { sub: aliId })}`));
    it("a JWT without sub", async () => reject("no sub", `Bearer ${await sign(app.config.jwtSecret, "HS256")}`));
    it("a JWT for an unknown user id", async () => reject("unknown user", `Bearer ${await sign(app.config.jwtSecret, "HS256", { sub: randomUUID() })}`));
    it("a JWT whose sub is not an id", async () => reject("odd sub", `Bearer ${await sign(app.config.jwtSecret, "HS256", { sub: "ali@acme.test" })}`));

    it("a JWT for a user deactivated in the database (and accepted again once reactivated)", async () => {
      const authorization = `Bearer ${await app.token("bea@acme.test")}`;
      expect((await app.gqlWithAuth(authorization, ME)).status).toBe(200);
      const beaId = app.seed.users["bea@acme.test"];
      await app.db.manager.update(User, { id: beaId }, { active: false });
      try {
        await reject("inactive user", authorization);
      } finally {
        await app.db.manager.update(User, { id: beaId }, { active: true });
      }
      const again = await app.gqlWithAuth(authorization, ME);
      expect(again.status).toBe(200);
      expect(again.body.data).toEqual({ me: { kind: "USER", user: { id: beaId } } });
    });

    it("an API key with the wrong secret", async () => {
      const key = await createApiKey(app);
      return reject("wrong secret", `ApiKey ${apiKeyIdOf(key)}.${randomBytes(32).toString("base64url")}`);
    });
    it("an API key with an unknown id", async () => {
      const key = await createApiKey(app);
      return reject("unknown key", `ApiKey ${randomUUID()}.${key.split(".")[1]}`);
    });
    it("an API key whose id is upper-cased (ids are lower case on every database)", async () => {
      const key = await createApiKey(app);
      return reject("upper-case key id", `ApiKey ${apiKeyIdOf(key).toUpperCase()}.${key.split(".")[1]}`);
    });
    it("a JWT whose sub is the user id upper-cased", async () =>
      reject("upper-case sub", `Bearer ${await sign(app.config.jwtSecret, "HS256", { sub: aliId.toUpperCase() })}`));
    it("a malformed API key: no dot", () => reject("no dot", `ApiKey ${randomUUID()}`));
    it("a malformed API key: empty id", () => reject("empty id", "ApiKey .secret"));
    it("a malformed API key: id not an id", () => reject("odd id", "ApiKey not-an-id.secret"));
    it("an API key with an empty secret", async () => {
      const key = await createApiKey(app);
      return reject("empty secret", `ApiKey ${apiKeyIdOf(key)}.`);
    });
    it("a revoked API key", async () => {
      const key = await createApiKey(app);
      expect((await app.gqlWithAuth(key, ME)).status).toBe(200);
      await app.db.manager.update(ApiKey, { id: apiKeyIdOf(key) }, { revokedAt: new Date() });
      return reject("revoked", key);
    });
    it("a key created already revoked", async () => reject("born revoked", await createApiKey(app, { revokedAt: new Date(Date.now() - 1000) })));
    it("the wrong scheme (Basic)", () => reject("basic", `Basic ${Buffer.from("ali@acme.test:secret").toString("base64")}`));
    it("a valid JWT under the wrong scheme", async () => reject("token scheme", `Token ${await app.token("ali@acme.test")}`));
    it("a valid API key credential under the Bearer scheme", async () => {
      const key = await createApiKey(app);
      return reject("key as bearer", `Bearer ${key.slice("ApiKey ".length)}`);
    });

    it("all rejections carried one and the same message", () => {
      expect(messages.size).toBe(27);
      expect(new Set(messages.values()).size).toBe(1);
    });
  });

  it("a demotion takes effect on the very next request", async () => {
    const mayaId = app.seed.users["maya@acme.test"];
    // Customer 13 (Sales, p=7) is claimed by maya, so she still sees it once she is an agent.
    const contact = await app.db.manager.findOneByOrFail(Contact, { organizationId: app.seed.organizations.acme, name: "Customer 13" });
    const conversation = await app.db.manager.findOneByOrFail(Conversation, { contactId: contact.id });
    expect(conversation.assigneeId).toBe(mayaId);
    const query = "query($id: ID!) { conversation(id: $id) { id assignmentHistory { action } } }";
    const authorization = `Bearer ${await app.token("maya@acme.test")}`;

    const asManager = await app.gqlWithAuth(authorization, query, { id: conversation.id });
    expect(asManager.body.errors).toBeUndefined();
    expect(asManager.body.data).toEqual({ conversation: { id: conversation.id, assignmentHistory: [{ action: "CLAIM" }] } });

    await app.db.manager.update(User, { id: mayaId }, { role: Role.AGENT });
    try {
      const asAgent = await app.gqlWithAuth(authorization, query, { id: conversation.id });
      expect(asAgent.status).toBe(200);
      expect(asAgent.body.data).toEqual({ conversation: { id: conversation.id, assignmentHistory: null } });
      expect(asAgent.body.errors).toHaveLength(1);
      expect(asAgent.body.errors![0].extensions?.code).toBe("FORBIDDEN");
      expect(asAgent.body.errors![0].path).toEqual(["conversation", "assignmentHistory"]);
    } finally {
      await app.db.manager.update(User, { id: mayaId }, { role: Role.MANAGER });
    }

    const restored = await app.gqlWithAuth(authorization, query, { id: conversation.id });
    expect(restored.body.errors).toBeUndefined();
    expect(restored.body.data?.conversation.assignmentHistory).toEqual([{ action: "CLAIM" }]);
  });
});

/** Runs on its own SQLite file whatever DATABASE_URL says: it is about the script, not the database. */
describe("npm run token (src/scripts/token.ts)", () => {
  const secret = `test-secret-${randomBytes(24).toString("hex")}`;
  let dir: string;
  let path: string;
  let aliId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-token-"));
    path = join(dir, "demo.sqlite");
    const db = await openDatabase({ kind: "sqlite", path });
    try {
      const seed = await db.transaction((m) => seedDemo(m));
      aliId = seed.users["ali@acme.test"];
    } finally {
      await db.dataSource.destroy();
    }
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it("prints an HS256 JWT for the user that the server accepts under the same secret", async () => {
    const { stdout } = await promisify(execFile)("npx", ["ts-node", "--transpile-only", "src/scripts/token.ts", "ali@acme.test"], {
      cwd: resolve(__dirname, ".."),
      env: { ...process.env, DATABASE_URL: `sqlite:${path}`, JWT_SECRET: secret, NODE_ENV: "test" },
      timeout: 45_000,
    });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString())).toMatchObject({ alg: "HS256" });

    const key = new TextEncoder().encode(secret);
    const verified = await verifyUserToken(key, token);
    expect(verified?.userId).toBe(aliId);
    expect(await verifyUserToken(randomBytes(32), token)).toBeNull();

    // A gateway over that very database and secret takes the token.
    const db = await openDatabase({ kind: "sqlite", path });
    const config: Config = { port: 0, nodeEnv: "test", database: { kind: "sqlite", path }, jwtSecret: key, seedDemo: false, logLevel: "silent", redisUrl: null };
    const gateway = await createGateway({ config, db, logger: createLogger("silent") });
    try {
      const port = await gateway.listen(0);
      const res = await request(`http://127.0.0.1:${port}`).post("/graphql").set("content-type", "application/json")
        .set("authorization", `Bearer ${token}`).send({ query: ME });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { me: { kind: "USER", user: { id: aliId } } } });
    } finally {
      await gateway.stop();
      await db.dataSource.destroy();
    }
  });
});
