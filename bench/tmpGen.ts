import "reflect-metadata";
import { ensureDataset, datasetLocation } from "./dataset";
(async () => {
  const n = Number(process.argv[2]);
  const loc = datasetLocation({ kind: "sqlite", path: "/tmp/benchtest/bench.sqlite" }, n);
  const info = await ensureDataset(loc, n, { progress: false, log: console.log });
  console.log(JSON.stringify(info));
})().catch((e) => { console.error(e); process.exit(1); });
