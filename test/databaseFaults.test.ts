import { GraphQLError, GraphQLResolveInfo } from "graphql";
import { QueryFailedError } from "typeorm";
import { databaseFaultMiddleware, databaseUnavailableLog } from "../src/databaseFaults";
import { appError, asServiceUnavailable, ErrorCode, isDatabaseUnavailable, notFound } from "../src/errors";
import { rules } from "../src/permissions/rules";

// How driver errors are told apart from everything else, without a database to lose (the real
// outage is test/databaseOutage.test.ts, on MariaDB through a TCP proxy).

const driverError = (code: string, message = `connect ${code} 10.0.0.5:3306`) => Object.assign(new Error(message), { code, fatal: true });

describe("which errors mean the database is unreachable", () => {
  test.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "PROTOCOL_CONNECTION_LOST", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN", "EPIPE"])("%s, bare or wrapped", (code) => {
    const raw = driverError(code);
    expect(isDatabaseUnavailable(raw)).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError("SELECT 1", [], raw))).toBe(true);
    expect(isDatabaseUnavailable(new GraphQLError("located", { originalError: new QueryFailedError("SELECT 1", [], raw) }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("outer", { cause: raw }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([raw]))).toBe(true);
  });

  test("mysql2 and TypeORM conditions known by message or name", () => {
    expect(isDatabaseUnavailable(new Error("Pool is closed."))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Can't add new command when connection is in closed state"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { name: "CannotExecuteNotConnectedError" }))).toBe(true);
  });

  test("expected errors and query errors are not", () => {
    expect(isDatabaseUnavailable(notFound())).toBe(false);
    expect(isDatabaseUnavailable(appError(ErrorCode.CONFLICT))).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError("INSERT", [], driverError("ER_DUP_ENTRY", "Duplicate entry")))).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError("SELECT", [], driverError("ER_LOCK_DEADLOCK", "Deadlock found")))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });

  test("SERVICE_UNAVAILABLE tells the client nothing about the driver; HTTP 503 only when asked", () => {
    const mapped = asServiceUnavailable(driverError("ECONNREFUSED"), true) as GraphQLError;
    expect(mapped).toBeInstanceOf(GraphQLError);
    expect(mapped.toJSON()).toEqual({ message: "Service temporarily unavailable", extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } } });
    expect((asServiceUnavailable(driverError("ETIMEDOUT")) as GraphQLError).extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
    const other = new Error("bug");
    expect(asServiceUnavailable(other)).toBe(other);
  });
});

describe("where they are turned into SERVICE_UNAVAILABLE", () => {
  const info = { fieldName: "field" } as GraphQLResolveInfo;
  const run = databaseFaultMiddleware as (resolve: (...a: unknown[]) => unknown, ...rest: unknown[]) => unknown;

  test("resolver middleware: failures from the database, sync or async; results and other errors unchanged", async () => {
    await expect(run(async () => { throw driverError("ECONNREFUSED"); }, {}, {}, {}, info)).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
    expect(() => run(() => { throw driverError("PROTOCOL_CONNECTION_LOST"); }, {}, {}, {}, info)).toThrow("Service temporarily unavailable");
    await expect(run(async () => { throw notFound(); }, {}, {}, {}, info)).rejects.toMatchObject({ extensions: { code: "NOT_FOUND" } });
    expect(run(() => 42, {}, {}, {}, info)).toBe(42); // a synchronous result stays synchronous
    await expect(run(async () => "ok", {}, {}, {}, info)).resolves.toBe("ok");
  });

  test("an authorization rule that needs the database answers SERVICE_UNAVAILABLE, not a denial", async () => {
    const ctx = { principal: { kind: "USER", id: "u", role: "AGENT", organizationId: "o" }, loaders: { contactAssignees: { load: async () => { throw driverError("ECONNRESET"); } } } };
    const rule = rules.contactPiiReader.rule as unknown as { resolve(...a: unknown[]): Promise<unknown> };
    const result = await rule.resolve({ id: "c" }, {}, ctx, info, { debug: false, allowExternalErrors: true });
    expect(result).toBeInstanceOf(GraphQLError);
    expect((result as GraphQLError).extensions.code).toBe("SERVICE_UNAVAILABLE");
  });

  test("the cause is logged at most once per interval, with how many failures it stands for", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = { warn: (o: Record<string, unknown>, msg: string) => lines.push({ ...o, msg }) } as never;
    const log = databaseUnavailableLog(logger, 60_000);
    for (let i = 0; i < 5; i++) log(asServiceUnavailable(driverError("ECONNREFUSED")));
    expect(lines).toEqual([{ code: "ECONNREFUSED", cause: "connect ECONNREFUSED 10.0.0.5:3306", failuresSinceLast: 0, msg: "database unavailable: requests fail with SERVICE_UNAVAILABLE" }]);
  });
});
