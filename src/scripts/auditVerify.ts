import "reflect-metadata";
import { verifyChain } from "../audit/verifyChain";
import { openDatabase } from "../bootstrap";
import { loadConfig } from "../config";
import { Organization } from "../entities/Organization";

/**
 * `npm run audit:verify [-- --org <id>]`: walks each organization's audit chain and exits
 * non-zero naming the first broken entry.
 */
async function main(): Promise<number> {
  const flag = process.argv.indexOf("--org");
  const onlyOrg = flag >= 0 ? process.argv[flag + 1] : undefined;
  if (flag >= 0 && !onlyOrg) throw new Error("usage: npm run audit:verify [-- --org <organization id>]");
  const db = await openDatabase(loadConfig().database);
  try {
    const orgs = onlyOrg ? [onlyOrg] : (await db.manager.find(Organization, { order: { slug: "ASC" } })).map((o) => o.id);
    let broken = 0;
    for (const org of orgs) {
      const report = await verifyChain(db.manager, org);
      if (report.ok) {
        process.stdout.write(`ok      ${org}  ${report.entries} entries\n`);
      } else {
        broken++;
        process.stdout.write(`BROKEN  ${org}  at seq ${report.brokenAt.seq}${report.brokenAt.id ? ` (entry ${report.brokenAt.id})` : ""}: ${report.brokenAt.problem}\n`);
      }
    }
    return broken === 0 ? 0 : 1;
  } finally {
    await db.dataSource.destroy();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
