import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { encodeParams, Signer } from '#binance/sign.js';
import { benchAccount } from './accounts.js';
import { startRemoteExchange } from './exchange.js';
import { fixed, median, renderTable } from './stats.js';

/*
 * One-off comparison of HTTP/WebSocket clients for the exchange client, not part of `npm run bench`:
 *   UNDICI8_PATH=/tmp/u8 node_modules/.bin/tsx bench/http-clients.ts
 * The same signed GET of 500 positions, read as text and JSON.parsed, on undici 7 (liqwatch's), undici 8,
 * Node's global fetch and bare node:http; the WebSocket API's `account.position` on each WebSocket; and the
 * cold import, first call and bundle size of each. The simulator runs in its own process.
 */

type Call = () => Promise<number>;
type Undici = typeof import('undici');
const [CALLS, WARMUP, ROUNDS, WS_CALLS, COLD_REPS] = [300, 50, Number(process.env.ROUNDS ?? 5), 200, 10];
const print = (text = '') => process.stdout.write(`${text}\n`);
const pkg = (index: string) => JSON.parse(readFileSync(join(dirname(index), 'package.json'), 'utf8')).version;
const paths: Record<string, string> = { undici7: createRequire(import.meta.url).resolve('undici') };
const u8 = process.env.UNDICI8_PATH;
if (u8) paths.undici8 = createRequire(join(u8, 'x.js')).resolve('undici');
const mods: Record<string, Undici> = {};
for (const [name, path] of Object.entries(paths)) mods[name] = await import(pathToFileURL(path).href);

const { name, apiKey, apiSecret } = benchAccount(0);
const signer = Signer.fromKeys({ apiKey, apiSecret }, name);
const headers = { 'X-MBX-APIKEY': apiKey };
const target = () => {
  const query = encodeParams({ timestamp: Date.now() });
  return `/fapi/v2/positionRisk?${query}&signature=${encodeURIComponent(signer.sign(query))}`;
};
const rows = (status: number, body: string) => {
  if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 200)}`);
  return (JSON.parse(body) as unknown[]).length;
};
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const sim = await startRemoteExchange({ accounts: 1, positionsPerSource: 500, latencyMs: 0 });
const closers: (() => unknown)[] = [];
const versions = Object.entries(paths).map(([n, p]) => `${n}=${pkg(p)}`);
print(`node ${process.version} (bundles undici ${process.versions.undici}), ${process.platform}/${process.arch}`);
print(`${versions.join(', ')}${u8 ? '' : ' (undici 8 skipped: set UNDICI8_PATH)'}`);
print(`${ROUNDS} rounds × N calls after ${WARMUP} warm-up each, order rotated each round\n`);

/** Interleaved rounds; CPU per call is the median over rounds, wall percentiles are over every call. */
async function run(title: string, contenders: Record<string, Call>, calls: number, ref: string, floor: string) {
  const names = Object.keys(contenders);
  const cpu = new Map(names.map((n) => [n, [] as number[]]));
  const wall = new Map(names.map((n) => [n, [] as number[]]));
  let rowsSeen = 0;
  for (const call of Object.values(contenders)) for (let i = 0; i < WARMUP; i++) rowsSeen = await call();
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const started = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await contenders[n]!();
        wall.get(n)!.push(performance.now() - t);
      }
      const used = process.cpuUsage(started);
      cpu.get(n)!.push((used.user + used.system) / calls);
    }
  }
  const us = (n: string) => median(cpu.get(n)!);
  const table = names.map((n) => {
    const w = wall.get(n)!.sort((a, b) => a - b);
    const range = `${fixed(Math.min(...cpu.get(n)!), 0)}-${fixed(Math.max(...cpu.get(n)!), 0)}`;
    const ratios = [fixed(us(n) / us(ref), 2), fixed(us(n) / us(floor), 2), fixed(us(n) - us(floor), 0)];
    return [n, fixed(us(n), 0), range, fixed(pct(w, 0.5), 3), fixed(pct(w, 0.99), 3), ...ratios];
  });
  print(`${title}: ${calls} calls a round, ${rowsSeen} rows a reply`);
  const header = ['client', 'CPU µs/call', 'rounds', 'p50 ms', 'p99 ms', `× ${ref}`, `× ${floor}`, 'µs over'];
  print(`${renderTable(header, table)}\n`);
}

// 1. REST: the same signed GET on each client, plus the work every client shares (sign, parse) alone.
function poolCall(u: Undici): Call {
  const opts = { connections: 10, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, connectTimeout: 5_000 };
  const pool = new u.Pool(sim.url, opts); // as functions/binance/rest.ts builds it
  closers.push(() => pool.close());
  return async () => {
    const res = await pool.request({ method: 'GET', path: target(), headers, signal: AbortSignal.timeout(5_000) });
    return rows(res.statusCode, await res.body.text());
  };
}
const agent = new Agent({ keepAlive: true, maxSockets: 10 });
closers.push(() => agent.destroy());
const rest: Record<string, Call> = {};
for (const [n, u] of Object.entries(mods)) rest[n] = poolCall(u);
rest.fetch = async () => {
  const res = await fetch(sim.url + target(), { headers, signal: AbortSignal.timeout(5_000) });
  return rows(res.status, await res.text());
};
rest['node:http'] = () =>
  new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(5_000);
    const req = httpRequest(sim.url + target(), { agent, headers, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        try {
          resolve(rows(res.statusCode ?? 0, body));
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject).end();
  });
const sample = await (await fetch(sim.url + target(), { headers })).text();
rest['no I/O'] = async () => {
  target(); // sign as the others do
  return rows(200, sample);
};
await run('REST GET /fapi/v2/positionRisk, signed, text + JSON.parse', rest, CALLS, 'undici7', 'node:http');

// 2. WebSocket API: signed `account.position`, one request in flight, its reply JSON.parsed.
async function wsCall(Ctor: unknown): Promise<Call> {
  const socket = new (Ctor as typeof WebSocket)(sim.wsUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  closers.push(() => socket.close());
  let waiting: ((data: string) => void) | undefined;
  socket.onmessage = (event) => waiting?.(String(event.data));
  let id = 0;
  return () =>
    new Promise((resolve, reject) => {
      const ask = String(++id);
      waiting = (data) => {
        const reply = JSON.parse(data) as { id: string; status: number; result: unknown[] };
        if (reply.id !== ask || reply.status !== 200) reject(new Error(data.slice(0, 200)));
        else resolve(reply.result.length);
      };
      const params = { apiKey, timestamp: Date.now() };
      const signed = { ...params, signature: signer.sign(encodeParams(params)) };
      socket.send(JSON.stringify({ id: ask, method: 'account.position', params: signed }));
    });
}
const ws: Record<string, Call> = {};
for (const [n, u] of Object.entries(mods)) ws[n] = await wsCall(u.WebSocket);
ws.global = await wsCall(globalThis.WebSocket);
await run('WebSocket API account.position, signed, JSON.parse', ws, WS_CALLS, 'undici7', 'global');
for (const close of closers) await close();

// 3. Cold start: each option bundled as the Lambda is (minified ESM, node22, require banner), then per
// sample a fresh process: the import, then the first signed GET (Node's own undici loads lazily here).
const out = '/tmp/liqwatch-http-clients';
mkdirSync(out, { recursive: true });
const banner =
  "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);";
const undiciEntry = (p: string) => `export { Pool, WebSocket } from '${p}';`;
const options = [
  { label: 'nothing', kind: 'none', entry: 'export {};', pkgPath: '' },
  { label: 'node:http', kind: 'http', entry: "export const { Agent, request } = require('node:http');", pkgPath: '' },
  { label: 'node:http esm', kind: 'http', entry: "export { Agent, request } from 'node:http';", pkgPath: '' },
  { label: 'fetch', kind: 'fetch', entry: 'export const fetch = (...a) => globalThis.fetch(...a);', pkgPath: '' },
  ...Object.entries(paths).map(([label, p]) => ({ label, kind: 'pool', entry: undiciEntry(p), pkgPath: p })),
];
const CHILD = `const t0 = performance.now(); const m = await import(process.env.MOD); const t1 = performance.now();
const { KIND, ORIGIN, TARGET, KEY } = process.env; const headers = { 'X-MBX-APIKEY': KEY };
if (KIND === 'pool') await (await new m.Pool(ORIGIN).request({ method: 'GET', path: TARGET, headers })).body.text();
if (KIND === 'fetch') await (await m.fetch(ORIGIN + TARGET, { headers })).text();
if (KIND === 'http') await new Promise((ok) => m.request(ORIGIN + TARGET, { headers }, (res) => res.on('end', ok).resume()).end());
process.stdout.write(JSON.stringify([t1 - t0, performance.now() - t1])); process.exit(0);`;
const cold = (mod: string, kind: string) => {
  const vars = { MOD: mod, KIND: kind, ORIGIN: sim.url, TARGET: target(), KEY: apiKey, NODE_OPTIONS: '' };
  const args = ['--input-type=module', '-e', CHILD];
  return JSON.parse(execFileSync(process.execPath, args, { env: { ...process.env, ...vars }, encoding: 'utf8' }));
};
const variants: { key: string; url: string; kind: string; size: number[]; t: number[][] }[] = [];
for (const o of options) {
  const outfile = join(out, `${o.label.replace(/\W+/g, '-')}.mjs`);
  const stdin = { contents: o.entry, resolveDir: out, loader: 'js' as const };
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true } as const;
  await build({ ...common, stdin, outfile, banner: { js: banner }, logLevel: 'silent' });
  const bytes = readFileSync(outfile);
  const [kind, size] = [o.kind, [bytes.byteLength, gzipSync(bytes).byteLength]];
  variants.push({ key: `${o.label} bundle`, url: pathToFileURL(outfile).href, kind, size, t: [] });
  if (o.pkgPath)
    variants.push({ key: `${o.label} node_modules`, url: pathToFileURL(o.pkgPath).href, kind, size, t: [] });
}
for (let rep = 0; rep < COLD_REPS; rep++) for (const v of variants) v.t.push(cold(v.url, v.kind));
print(`Cold start, fresh process each, median of ${COLD_REPS} (first GET: connect + 500-row reply)`);
const coldRows = variants.map(({ key, size, t }) => {
  const ms = (f: (x: number[]) => number) => fixed(median(t.map(f)), 1);
  const kib = size.map((b) => fixed(b / 1024, 1));
  return [key, ms((x) => x[0]!), ms((x) => x[1]!), ms((x) => x[0]! + x[1]!), ...kib];
});
print(renderTable(['option', 'import ms', 'first GET ms', 'sum ms', 'bundle KiB', 'gzip KiB'], coldRows));
await sim.close();
