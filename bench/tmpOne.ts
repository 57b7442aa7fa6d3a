import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { signUserToken } from "../src/auth/tokens";
import { benchPrincipals } from "./dataset";
import { send } from "./load";
import { pageBody } from "./queries";
(async () => {
  const secret = randomBytes(32);
  const variant = process.argv[3] ?? "governed";
  const child = fork(__dirname + "/gatewayProcess.js", [], { execArgv: process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof2"] : [], env: { ...process.env, BENCH_GATEWAY: JSON.stringify({ variant, database: { kind: "sqlite", path: process.argv[2] }, jwtSecretHex: secret.toString("hex"), maxPageSize: 1000 }) } });
  const port: number = await new Promise((r) => child.on("message", (m: any) => m.type === "ready" && r(m.port)));
  const auth = `Bearer ${await signUserToken(secret, process.argv[4] === "manager" ? benchPrincipals.managerId : benchPrincipals.agentId)}`;
  for (let i = 0; i < 8; i++) {
    const r = await send({ port, authorization: auth, body: pageBody(benchPrincipals.teamId, Number(process.argv[5] ?? 1000)) });
    console.log(variant, r.status, r.body.length, r.ms.toFixed(1), "ms");
  }
  child.send({ type: "stop" });
})();
