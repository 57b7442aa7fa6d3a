#!/usr/bin/env node
// Runs one of src/scripts/<name>: from the TypeScript sources where ts-node is installed (a
// checkout), else from the compiled dist/ (the production image installs no dev dependencies).
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const [name, ...rest] = process.argv.slice(2);
if (!name) {
  process.stderr.write("usage: node scripts/run.js <script> [args…]\n");
  process.exit(2);
}
process.argv = [process.argv[0], name, ...rest];
const root = join(__dirname, "..");
let hasTsNode = true;
try {
  require.resolve("ts-node");
} catch {
  hasTsNode = false;
}
if (hasTsNode) {
  require("ts-node").register({ transpileOnly: true, project: join(root, "tsconfig.json") });
  require(join(root, "src", "scripts", `${name}.ts`));
} else {
  const compiled = join(root, "dist", "src", "scripts", `${name}.js`);
  if (!existsSync(compiled)) {
    process.stderr.write(`no compiled ${compiled}: run npm run build first\n`);
    process.exit(2);
  }
  require(compiled);
}
