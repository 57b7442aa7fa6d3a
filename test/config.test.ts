import { ConfigError, loadConfig, parseDatabaseUrl } from "../src/config";

const SECRET = "s".repeat(40);

describe("configuration from the environment", () => {
  test("defaults: port 4000, the embedded SQLite file under ./data/, demo data outside production", () => {
    const c = loadConfig({ JWT_SECRET: SECRET });
    expect(c.port).toBe(4000);
    expect(c.database).toEqual({ kind: "sqlite", path: expect.stringMatching(/\/data\/switchboard\.sqlite$/) });
    expect([c.nodeEnv, c.seedDemo, c.redisUrl]).toEqual(["development", true, null]);
  });

  test("DATABASE_URL forms", () => {
    expect(parseDatabaseUrl("sqlite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
    expect(parseDatabaseUrl("sqlite:/tmp/x.sqlite")).toEqual({ kind: "sqlite", path: "/tmp/x.sqlite" });
    expect(parseDatabaseUrl("mysql://root@127.0.0.1:3306/sb")).toEqual({ kind: "mysql", url: "mysql://root@127.0.0.1:3306/sb" });
    expect(() => parseDatabaseUrl("mysql://root@127.0.0.1:3306/")).toThrow(ConfigError);
    expect(() => parseDatabaseUrl("postgres://x/y")).toThrow(/sqlite:<path>, sqlite::memory: or mysql/);
  });

  test("production refuses to start without JWT_SECRET and does not seed by default", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: SECRET }).seedDemo).toBe(false);
  });

  test("every problem is listed at once, by variable name", () => {
    let message = "";
    try {
      loadConfig({ PORT: "eighty", JWT_SECRET: "short", LOG_LEVEL: "loud", REDIS_URL: "http://x" });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ["PORT", "JWT_SECRET", "LOG_LEVEL", "REDIS_URL"]) expect(message).toContain(`  ${name}:`);
  });
});
