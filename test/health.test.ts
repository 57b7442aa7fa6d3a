import request from "supertest";
import { startTestApp, TestApp } from "./helpers/testApp";

describe("health endpoints", () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(async () => { await app.close(); });

  it("GET /healthz answers 200 {status: ok} without credentials", async () => {
    const res = await request(app.url).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("GET /readyz answers 200 with ready true once the database answers", async () => {
    const res = await request(app.url).get("/readyz");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ready: true, checks: { database: true } });
  });
});

describe("readiness without a database", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await app.db.dataSource.destroy();
  });
  afterAll(async () => {
    await app.gateway.stop();
    await app.testDb.drop();
  });

  it("GET /readyz answers 503 with ready false, while /healthz (liveness) stays 200", async () => {
    const ready = await request(app.url).get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, checks: { database: false } });
    const health = await request(app.url).get("/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "ok" });
  });
});
