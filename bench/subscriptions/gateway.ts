import "reflect-metadata";
import { writeHeapSnapshot } from "node:v8";
import { openDatabase } from "../../src/bootstrap";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { createGateway } from "../../src/server";

/**
 * The gateway under test, in a process of its own so that its RSS (read by the parent from
 * /proc/<pid>/status) is the gateway's alone. Configured from the environment like `npm start`,
 * bound to 127.0.0.1 on a free port that it reports to the parent over IPC.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.database);
  const gateway = await createGateway({ config, db, logger });
  await new Promise<void>((resolve, reject) => {
    gateway.httpServer.once("error", reject);
    gateway.httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const address = gateway.httpServer.address();
  const port = typeof address === "object" && address ? address.port : 0;

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 5000);
    force.unref();
    try {
      await gateway.stop();
      await db.dataSource.destroy();
    } finally {
      process.exit(code); // exiting normally lets --cpu-prof write its profile
    }
  };
  process.on("message", (msg: { type?: string }) => {
    if (msg?.type === "stop") void stop(0);
    if (msg?.type === "heapsnapshot") {
      const file = writeHeapSnapshot((msg as { file?: string }).file);
      process.send?.({ type: "heapsnapshot", file });
    }
    if (msg?.type === "memory") {
      const m = process.memoryUsage();
      process.send?.({ type: "memory", rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
    }
  });
  // The parent went away (crashed or was killed): do not outlive it.
  process.on("disconnect", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));
  process.send?.({ type: "ready", port, pid: process.pid });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench gateway failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
