import "reflect-metadata";
import { signUserToken } from "../auth/tokens";
import { openDatabase } from "../bootstrap";
import { loadConfig } from "../config";
import { User } from "../entities/User";

/** `npm run token -- <email>`: prints a JWT for a user, under the server's configuration. */
async function main(): Promise<void> {
  const email = process.argv[2];
  if (!email) throw new Error("usage: npm run token -- <email>");
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const user = await db.manager.findOne(User, { where: { email: email.toLowerCase() } });
    if (!user) throw new Error(`no user with email ${email}`);
    if (!user.active) throw new Error(`${email} is deactivated`);
    process.stdout.write(`${await signUserToken(config.jwtSecret, user.id)}\n`);
  } finally {
    await db.dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
