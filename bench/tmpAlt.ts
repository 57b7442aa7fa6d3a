import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { signUserToken } from "../src/auth/tokens";
import { benchPrincipals } from "./dataset";
import { send } from "./load";
import { pageBody } from "./queries";
(async () => {
  const secret = randomBytes(32);
  const start = async (variant: string) => {
    const child = fork(__dirname + "/gatewayProcess.js", [], { execArgv: process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof3", "--cpu-prof-name=" + variant + ".cpuprofile"] : [], env: { ...process.env, BENCH_GATEWAY: JSON.stringify({ variant, database: { kind: "sqlite", path: process.argv[2] }, jwtSecretHex: secret.toString("hex"), maxPageSize: 1000 }) } });
    const port: number = await new Promise((r) => child.on("message", (m: any) => m.type === "ready" && r(m.port)));
    return { child, port };
  };
  const [on, off] = await Promise.all([start(process.env.VA ?? "governed"), start(process.env.VB ?? "authorization-off")]);
  const auth = `Bearer ${await signUserToken(secret, process.argv[3] === "manager" ? benchPrincipals.managerId : benchPrincipals.agentId)}`;
  const body = pageBody(benchPrincipals.teamId, Number(process.argv[4] ?? 50));
  const t: Record<string, number[]> = { on: [], off: [] };
  for (let i = 0; i < Number(process.argv[5] ?? 400); i++) {
    t.on.push((await send({ port: on.port, authorization: auth, body })).ms);
    t.off.push((await send({ port: off.port, authorization: auth, body })).ms);
  }
  const med = (a: number[]) => [...a.slice(a.length / 5)].sort((x, y) => x - y)[Math.floor(a.length * 0.4)];
  console.log(process.argv[3], process.argv[4], "on", med(t.on).toFixed(2), "off", med(t.off).toFixed(2), "ratio off/on", (med(t.off) / med(t.on)).toFixed(3));
  on.child.send({ type: "stop" }); off.child.send({ type: "stop" });
})();
