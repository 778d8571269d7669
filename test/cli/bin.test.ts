import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { buildCli } from '../../bin/build.mjs';
import { book, CM_ONE_WAY, hmacKeys, UM_ONE_WAY } from '../binance/scenario.js';

/*
 * The installed command, as a user runs it: `bin/liqwatch.mjs` in a process of its own, on Node 22
 * whichever `node` started it, from the bundle built ahead of time (built again here, from these sources).
 */

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'bin', 'liqwatch.mjs');
const keys = hmacKeys('bin-oneway');

let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  await buildCli();
  sim = await startExchangeSimulator({
    accounts: [{ name: 'oneway', ...keys.sim, positions: book(UM_ONE_WAY, CM_ONE_WAY) }] as Parameters<
      typeof startExchangeSimulator
    >[0]['accounts'],
  });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-bin-'));
  await writeFile(join(dir, 'keys.json'), JSON.stringify(keys.keys));
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command under `node`; NODE_OPTIONS reaches a Node it hands over to as well. */
function run(node: string, env: Record<string, string> = {}, argv?: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done, fail) => {
    const args = argv ?? ['positions', '--source', 'coinm', '--keys', 'keys.json', '--base-url', sim.url, '--json'];
    const child = spawn(node, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** The first `node` on the PATH outside this project: the machine's own, which may be older than 22. */
function machineNode(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules'));
  try {
    return execFileSync('which', ['node'], { env: { PATH: dirs.join(delimiter) }, encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

describe('the installed command', () => {
  it('npm scripts and the tests run on Node 22', () => {
    expect(process.version).toMatch(/^v22\./);
  });

  it('bin/liqwatch.mjs runs under plain node, as npx liqwatch does', async () => {
    const result = await run(process.execPath);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { positions } = JSON.parse(result.stdout) as { positions: Position[] };
    expect(positions.map((p) => p.symbol).sort()).toEqual(['BTCUSD_250627', 'BTCUSD_PERP', 'ETHUSD_PERP']);
  }, 30_000);

  it('started by an older node, it runs on the Node 22 that npm ci installed', async () => {
    const node = machineNode();
    const older = node ? execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() : null;
    // Prepare: a preload that says which Node each process is; the command's own output is unchanged.
    const preload = join(dir, 'say-version.cjs');
    await writeFile(preload, 'process.stderr.write("node " + process.version + "\\n");\n');
    // Act: the machine's node if it has one, otherwise this one (which must then run the command itself).
    const result = await run(node ?? process.execPath, { NODE_OPTIONS: `--require ${preload}` });
    // Assess
    expect(result.code).toBe(0);
    const versions = result.stderr.trim().split('\n');
    expect(versions.at(-1)).toMatch(/^node v22\./);
    if (older && !older.startsWith('v22')) expect(versions).toEqual([`node ${older}`, versions.at(-1)]);
    expect((JSON.parse(result.stdout) as { positions: Position[] }).positions.length).toBe(3);
  }, 30_000);

  it('--version prints package.json version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await run(process.execPath, {}, ['--version']);
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help answers from the bundle, without compiling TypeScript', async () => {
    const started = performance.now();
    const result = await run(process.execPath, {}, ['--help']);
    const ms = performance.now() - started;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: liqwatch/);
    // Reported, not asserted: README "Commands" gives the figure.
    console.info(`liqwatch --help: ${ms.toFixed(0)} ms, process start included`);
  });
});
