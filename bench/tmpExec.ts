import "reflect-metadata";
import { graphql, GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { ApolloServer } from "@apollo/server";
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
  const all: [string, GraphQLSchema][] = [["governed", buildGovernedSchema()], ["bare", buildBareSchema()], ["mwEmpty", applyMiddleware(buildBareSchema(), { Query: { me: (r: any, ...a: any[]) => r(...a) } })]];
  const apollo = new Map<GraphQLSchema, ApolloServer<any>>();
  for (const [, sc] of all) { const a = new ApolloServer<any>({ schema: sc }); await a.start(); apollo.set(sc, a); } const schemas = all.filter(([n]) => !process.argv[5] || n === process.argv[5]);
  const run = async (schema: GraphQLSchema) => {
    const ctx = buildContext(services, principal, { ip: null, userAgent: null });
    if (process.env.APOLLO) {
      const res = await apollo.get(schema)!.executeOperation({ query: QUEUE_PAGE, variables: { team: benchPrincipals.teamId, first } }, { contextValue: ctx });
      return (res.body as any).singleResult;
    }
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
  for (const [name, t] of times) console.log(name, "median", med(t.slice(Math.floor(t.length / 5))).toFixed(3), "ms");
  for (const [name] of schemas) console.log("ratio bare/" + name, (med(times.get("bare")!.slice(40)) / med(times.get(name)!.slice(40))).toFixed(3));
  await db.dataSource.destroy(); process.exit(0);
})();
