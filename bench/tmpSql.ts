import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { openDatabase } from "../src/bootstrap";
import { createGateway } from "../src/server";
import { createLogger } from "../src/logger";
import { signUserToken } from "../src/auth/tokens";
import { benchConfig } from "./gatewayProcess";
import { benchPrincipals } from "./dataset";
import { send } from "./load";
import { assignBody } from "./queries";
(async () => {
  const log: string[] = [];
  const logger: any = { logQuery: (q: string) => log.push(q.slice(0, 160)), logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };
  const database = { kind: "sqlite" as const, path: process.argv[2] };
  const db = await openDatabase(database, logger);
  const secret = randomBytes(32);
  for (const bench of [{}, { auditWrites: "off" as const }]) {
    const gw = await createGateway({ config: { ...benchConfig({ variant: "governed", database, jwtSecretHex: "00", maxPageSize: 1000 }), jwtSecret: secret }, db, logger: createLogger("silent"), bench });
    await new Promise<void>((r) => gw.httpServer.listen(0, "127.0.0.1", r));
    const port = (gw.httpServer.address() as any).port;
    const auth = `Bearer ${await signUserToken(secret, benchPrincipals.managerId)}`;
    const [c] = await db.manager.query("SELECT id, assigneeId FROM conversations WHERE teamId = ? AND status = 'RESOLVED' LIMIT 1", [benchPrincipals.teamId]);
    const to = benchPrincipals.agentIds.find((a) => a !== c.assigneeId)!;
    await send({ port, authorization: auth, body: assignBody(c.id, to) });
    const to2 = benchPrincipals.agentIds.find((a) => a !== to)!;
    log.length = 0;
    const r = await send({ port, authorization: auth, body: assignBody(c.id, to2) });
    console.log("=== bench", JSON.stringify(bench), r.status, r.body.slice(0, 80));
    for (const q of log) console.log("  ", q);
    await gw.stop();
  }
  await db.dataSource.destroy();
})();
