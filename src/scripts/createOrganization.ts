import "reflect-metadata";
import { ensureAuditHead, appendAuditEntry } from "../audit/appendAuditEntry";
import { actorOf } from "../audit/actor";
import { systemPrincipal } from "../auth/principal";
import { signUserToken } from "../auth/tokens";
import { openDatabase } from "../bootstrap";
import { loadConfig } from "../config";
import { newId } from "../entities/columns";
import { AuditOutcome, Role } from "../entities/enums";
import { Organization } from "../entities/Organization";
import { User } from "../entities/User";

/**
 * `npm run create-organization -- --name "Acme" --slug acme --admin-email ada@acme.example --admin-name "Ada"`:
 * the first organization and its first ADMIN on a production database (which is never seeded),
 * audited as the system principal. Prints a token for the new admin.
 */
async function main(): Promise<void> {
  const arg = (name: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? process.argv[i + 1] : undefined;
    if (!value) throw new Error(`usage: npm run create-organization -- --name <name> --slug <slug> --admin-email <email> --admin-name <name> (missing --${name})`);
    return value;
  };
  const [name, slug, email, adminName] = [arg("name"), arg("slug").toLowerCase(), arg("admin-email").toLowerCase(), arg("admin-name")];
  if (!/^[a-z0-9-]{2,64}$/.test(slug)) throw new Error("--slug must be 2 to 64 lower-case letters, digits or dashes");
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error("--admin-email is not an email address");
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const now = new Date();
    const org = { id: newId(), name, slug, createdAt: now };
    const admin = { id: newId(), organizationId: org.id, email, name: adminName, role: Role.ADMIN, active: true, lastActiveAt: null, createdAt: now };
    await db.transaction(async (m) => {
      if (await m.exists(Organization, { where: { slug } })) throw new Error(`an organization with slug ${slug} exists`);
      if (await m.exists(User, { where: { email } })) throw new Error(`a user with email ${email} exists`);
      await m.insert(Organization, org);
      await m.insert(User, admin);
    });
    await ensureAuditHead(db.manager, org.id);
    await db.transaction((m) => appendAuditEntry(m, {
      organizationId: org.id, teamId: null, ...actorOf(systemPrincipal(org.id, "create-organization command")),
      action: "organization.create", targetType: "Organization", targetId: org.id, outcome: AuditOutcome.SUCCESS,
      before: null, after: { name, slug, adminId: admin.id, adminEmail: email }, requestId: null, ipAddress: null, userAgent: "cli", createdAt: now,
    }));
    process.stdout.write(`created ${slug} (${org.id}) with ADMIN ${email}\nAuthorization: Bearer ${await signUserToken(config.jwtSecret, admin.id)}\n`);
  } finally {
    await db.dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
