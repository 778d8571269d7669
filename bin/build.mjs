#!/usr/bin/env node
// Bundles the `liqwatch` command ahead of time (npm ci runs it as `prepare`; npm start and the tests run
// it again), so the command starts without compiling TypeScript. Each command is its own chunk, loaded
// when it runs: `liqwatch --help` loads the command line alone. Packages stay in node_modules.
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Inside node_modules: installed with the packages it imports, ignored by git and the linter. */
export const OUT_DIR = `${ROOT}node_modules/.cache/liqwatch-cli`;

export async function buildCli() {
  const { build } = await import('esbuild');
  // Chunk names change with their content: last build's would pile up.
  await rm(OUT_DIR, { recursive: true, force: true });
  const { version } = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8'));
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'functions/cli/main.ts' },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    define: { LIQWATCH_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
