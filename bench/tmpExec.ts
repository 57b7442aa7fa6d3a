import "reflect-metadata";
import { graphql, GraphQLSchema } from "graphql";
import { openDatabase } from "../src/bootstrap";
import { loadUserPrincipal } from "../src/auth/loadPrincipal";
import { buildContext } from "../src/context";
import { buildBareSchema, buildGovernedSchema } from "../src/schema";
import { benchPrincipals } from "./dataset";
import { QUEUE_PAGE } from "./queries";

(async () => {
  const db = await openDatabase({ kind: "sqlite", path: process.argv[2] });
  const who = process.argv[3] === "manager" ? benchPrincipals.managerId : benchPrincipals.agentId;
  const first = Number(process.argv[4] ?? 50);
  const principal = (await loadUserPrincipal(db.manager, who))!;
  const services: any = { db, events: { publish() {}, subscribe() {} }, reloader: {}, memo: {}, rateLimiter: {}, now: () => new Date(), bench: { maxPageSize: 1000 } };
  const all: [string, GraphQLSchema][] = [["governed", buildGovernedSchema()], ["bare", buildBareSchema()]]; const schemas = all.filter(([n]) => !process.argv[5] || n === process.argv[5]);
  const run = async (schema: GraphQLSchema) => {
    const ctx = buildContext(services, principal, { ip: null, userAgent: null });
    const r = await graphql({ schema, source: QUEUE_PAGE, contextValue: ctx, variableValues: { team: benchPrincipals.teamId, first } });
    return r;
  };
  for (const [name, schema] of schemas) { const r = await run(schema); console.log(name, (r.data as any).conversations.nodes.length, r.errors?.length ?? 0); }
  const times = new Map<string, number[]>(schemas.map(([n]) => [n, []]));
  for (let i = 0; i < Number(process.argv[6] ?? 600); i++) {
    for (const [name, schema] of schemas) {
      const t = process.hrtime.bigint();
      await run(schema);
      times.get(name)!.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [name, t] of times) console.log(name, "median", med(t.slice(50)).toFixed(3), "ms");
  if (schemas.length === 2) console.log("ratio bare/governed (throughput on/off)", (med(times.get("bare")!.slice(50)) / med(times.get("governed")!.slice(50))).toFixed(3));
  await db.dataSource.destroy();
})();
