import "reflect-metadata";
import { signUserToken } from "./auth/tokens";
import { openDatabase, seedDemoIfEmpty } from "./bootstrap";
import { ConfigError, loadConfig } from "./config";
import { User } from "./entities/User";
import { createLogger } from "./logger";
import { createGateway } from "./server";
import { installShutdown } from "./shutdown";

/** Start-up: config → database → migrations → (demo seed) → server. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.database);
  if (config.seedDemo && (await seedDemoIfEmpty(db))) logger.info("seeded the demo organizations");
  const gateway = await createGateway({ config, db, logger });
  const port = await gateway.listen(config.port);
  logger.info({ port }, "switchboard ready");

  if (config.seedDemo && config.nodeEnv !== "production") {
    const users = await db.manager.find(User, { where: { active: true }, order: { email: "ASC" } });
    const lines = await Promise.all(users.filter((u) => u.email.endsWith(".test"))
      .map(async (u) => `  ${u.email.padEnd(20)} ${u.role.padEnd(8)} Authorization: Bearer ${await signUserToken(config.jwtSecret, u.id)}`));
    process.stdout.write(`\nSwitchboard is ready at http://localhost:${port}/graphql\n` +
      `Demo tokens (valid 12 hours; \`npm run token -- <email>\` makes more):\n${lines.join("\n")}\n\n`);
  }

  // SIGTERM/SIGINT: 1001 to WebSockets, drain, finish transactions, exit within SHUTDOWN_GRACE_MS.
  installShutdown({ gateway, db, logger, graceMs: config.shutdownGraceMs });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`switchboard failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
