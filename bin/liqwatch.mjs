#!/usr/bin/env node
// The `liqwatch` command. It runs on Node 22, the version Lambda runs; `npm ci` installs that Node
// (the `node` package), and an older `node` on the PATH hands the command over to it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MIN_MAJOR = 22;

if (Number(process.versions.node.split('.')[0]) < MIN_MAJOR) {
  let node22;
  try {
    node22 = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write(`liqwatch needs Node ${MIN_MAJOR} or later (this is ${process.version}); run npm ci first\n`);
    process.exit(1);
  }
  const child = spawn(node22, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  // Ctrl-C reaches both processes; the child decides how to stop, the parent waits for it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  // The bundle `npm ci` built (bin/build.mjs): no TypeScript is compiled when the command runs.
  let cli;
  try {
    cli = await import('../node_modules/.cache/liqwatch-cli/main.mjs');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('liqwatch-cli/main.mjs')) throw error;
    process.stderr.write('liqwatch is not built: run npm ci (or npm run build:cli)\n');
    process.exit(1);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
}
