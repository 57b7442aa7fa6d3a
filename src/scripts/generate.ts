import "reflect-metadata";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderPermissionsReference } from "../permissions/reference";
import { buildBareSchema, printSchemaFile } from "../schema";

/** `npm run generate`: refreshes the committed documents that tests keep from going stale. */
const root = process.cwd();
writeFileSync(resolve(root, "schema.graphql"), printSchemaFile(buildBareSchema()));
mkdirSync(resolve(root, "docs"), { recursive: true });
writeFileSync(resolve(root, "docs", "permissions.md"), renderPermissionsReference());
process.stdout.write("wrote schema.graphql and docs/permissions.md\n");
