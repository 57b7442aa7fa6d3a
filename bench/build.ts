/**
 * Builds the gateway for the bench as production runs it: plain JavaScript on plain `node`.
 * Running the gateways under ts-node would measure ts-node too: it installs source-map-support,
 * which rewrites the stack of every Error created (each FORBIDDEN field creates two), and would
 * make authorization look dearer than it is. Files are transpiled one by one (as `tsc` with
 * isolatedModules would emit them), which takes a couple of seconds instead of a full type-check.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "..");

function sources(dir: string, recurse: boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return recurse ? sources(path, true) : [];
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Transpiles src/, ormconfig.ts and bench/*.ts into a fresh directory; returns it. */
export function buildForBench(outDir: string): string {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = { ...options, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
  rmSync(outDir, { recursive: true, force: true });
  const files = [...sources(join(ROOT, "src"), true), join(ROOT, "ormconfig.ts"), ...sources(join(ROOT, "bench"), false)];
  for (const file of files) {
    const out = join(outDir, relative(ROOT, file)).replace(/\.ts$/, ".js");
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file, reportDiagnostics: true });
    const errors = (diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) throw new Error(`${relative(ROOT, file)}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, "\n")}`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return outDir;
}
