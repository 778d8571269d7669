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
  // TypeScript sources are loaded through tsx.
  const { tsImport } = await import('tsx/esm/api');
  const { main } = await tsImport('../functions/cli/main.ts', import.meta.url);
  process.exitCode = await main(process.argv.slice(2));
}
