import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';
import type { Position } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { book, CM_HEDGE, CM_ONE_WAY, hmacKeys, UM_HEDGE, UM_ONE_WAY } from '../binance/scenario.js';

/** Every field of the position contract, in the order design.md ("Normalised position") shows them. */
const CONTRACT_FIELDS = [
  'account',
  'source',
  'symbol',
  'positionSide',
  'positionAmt',
  'entryPrice',
  'breakEvenPrice',
  'markPrice',
  'liquidationPrice',
  'leverage',
  'marginType',
  'isolatedMargin',
  'notional',
  'unrealizedProfit',
  'maxNotionalValue',
  'maxQty',
  'updateTime',
];

const oneWay = hmacKeys('cli-oneway');
const hedge = hmacKeys('cli-hedge');

let sim: ExchangeSimulator;
let dir: string;
const keysFile = (name: string) => join(dir, 'keys', `${name}.json`);

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      { name: 'oneway', ...oneWay.sim, positions: book(UM_ONE_WAY, CM_ONE_WAY) },
      { name: 'hedge', ...hedge.sim, hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) },
    ] as Parameters<typeof startExchangeSimulator>[0]['accounts'],
  });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-cli-'));
  await mkdir(join(dir, 'keys'));
  await writeFile(keysFile('oneway'), JSON.stringify(oneWay.keys));
  await writeFile(keysFile('hedge'), JSON.stringify(hedge.keys));
  await writeFile(keysFile('unknown'), JSON.stringify({ apiKey: 'key-nobody-knows', apiSecret: 'whatever-secret' }));
  await writeFile(keysFile('broken'), '{"apiKey": "abc", ');
  await writeFile(
    join(dir, 'liqwatch.config.json'),
    JSON.stringify({
      accounts: [
        { name: 'main', sources: ['usdm', 'usdm-ws', 'coinm'], keysFile: './keys/oneway.json' },
        { name: 'pm', sources: ['pm-um', 'pm-cm'], keysFile: './keys/hedge.json' },
      ],
      endpoints: { usdm: sim.url, 'usdm-ws': sim.wsUrl, coinm: sim.url, 'pm-um': sim.url, 'pm-cm': sim.url },
    }),
  );
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function liqwatch(...args: string[]): Promise<Run> {
  return runCli(args, { cwd: dir });
}

/** The rows of the table, below the account lines and the table's header. */
function table(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  const header = lines.findIndex((l) => l.startsWith('ACCOUNT'));
  expect(lines[header]).toMatch(/^ACCOUNT\s+SOURCE\s+SYMBOL\s+SIDE\s+AMOUNT\s+ENTRY\s+MARK\s+LIQ\s+DIST\s+LEV\s+PNL$/);
  return lines.slice(header + 1);
}

/** The SYMBOL and SIDE columns of a table, row by row. */
function tableRows(stdout: string): string[] {
  return table(stdout).map((row) => row.split(/\s+/).slice(2, 4).join(' '));
}

/** The positions of `--json`. */
const jsonPositions = (stdout: string) => (JSON.parse(stdout) as { positions: Position[] }).positions;

describe('liqwatch positions --source --keys', () => {
  it('prints a table nearest to liquidation first, positions without a liquidation price last', async () => {
    const run = await liqwatch('positions', '--source', 'usdm', '--keys', keysFile('oneway'), '--base-url', sim.url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // ETHUSDT is 5 % from its liquidation price, BTCUSDT 20 %, SOLUSDT has none.
    expect(tableRows(run.stdout)).toEqual(['ETHUSDT SHORT', 'BTCUSDT LONG', 'SOLUSDT LONG']);
    expect(run.stdout).toMatch(/ETHUSDT\s+SHORT\s+2\s+3000\s+3100\s+3255\s+5\.0%\s+20x\s+-200\.00 USDT/);
    expect(run.stdout).toMatch(/SOLUSDT\s+LONG\s+10\s+140\s+145\s+—\s+—/);
  });

  it('--json prints the position contract under "positions"', async () => {
    const run = await liqwatch(
      'positions',
      '--source',
      'usdm',
      '--keys',
      keysFile('oneway'),
      '--base-url',
      sim.url,
      '--json',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const positions = jsonPositions(run.stdout);
    expect(positions).toHaveLength(3);
    for (const p of positions) expect(Object.keys(p)).toEqual(CONTRACT_FIELDS);
    expect(positions.find((p) => p.symbol === 'BTCUSDT')).toEqual({
      account: 'cli',
      source: 'usdm',
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      positionAmt: 0.5,
      entryPrice: 60_000,
      breakEvenPrice: 60_000,
      markPrice: 61_000,
      liquidationPrice: 48_800,
      leverage: 5,
      marginType: 'cross',
      isolatedMargin: 0,
      notional: 30_500,
      unrealizedProfit: 500,
      maxNotionalValue: 100_000_000,
      maxQty: null,
      updateTime: expect.any(Number),
    });
    expect(positions.find((p) => p.symbol === 'SOLUSDT')?.liquidationPrice).toBeNull();
  });

  it('lists flat legs only with --all', async () => {
    const args = ['positions', '--source', 'usdm', '--keys', keysFile('hedge'), '--base-url', sim.url, '--json'];
    const open = jsonPositions((await liqwatch(...args)).stdout);
    const all = jsonPositions((await liqwatch(...args, '--all')).stdout);
    const legs = (ps: Position[]) => ps.map((p) => `${p.symbol} ${p.positionSide} ${p.positionAmt}`).sort();
    expect(legs(open)).toEqual(['BTCUSDT LONG 0.5', 'BTCUSDT SHORT -0.2', 'ETHUSDT SHORT -2']);
    expect(legs(all)).toEqual(['BTCUSDT LONG 0.5', 'BTCUSDT SHORT -0.2', 'ETHUSDT LONG 0', 'ETHUSDT SHORT -2']);
  });

  it('--symbol reads one symbol, on a USDⓈ-M and on a COIN-M source', async () => {
    const um = await liqwatch(
      'positions',
      '--source',
      'pm-um',
      '--keys',
      keysFile('hedge'),
      '--base-url',
      sim.url,
      '--symbol',
      'btcusdt',
    );
    expect(um.code).toBe(0);
    expect(tableRows(um.stdout)).toEqual(['BTCUSDT SHORT', 'BTCUSDT LONG']);
    const cm = await liqwatch(
      'positions',
      '--source',
      'coinm',
      '--keys',
      keysFile('oneway'),
      '--base-url',
      sim.url,
      '--symbol',
      'ETHUSD_PERP',
    );
    expect(cm.code).toBe(0);
    expect(tableRows(cm.stdout)).toEqual(['ETHUSD_PERP SHORT']);
  });

  it('--pair and --margin-asset filter the COIN-M sources', async () => {
    const base = ['positions', '--source', 'pm-cm', '--keys', keysFile('oneway'), '--base-url', sim.url, '--json'];
    const byPair = jsonPositions((await liqwatch(...base, '--pair', 'ETHUSD')).stdout);
    const byAsset = jsonPositions((await liqwatch(...base, '--margin-asset', 'btc')).stdout);
    expect(byPair.map((p) => p.symbol)).toEqual(['ETHUSD_PERP']);
    expect(byAsset.map((p) => p.symbol).sort()).toEqual(['BTCUSD_250627', 'BTCUSD_PERP']);
  });

  it('--base-url takes a ws:// URL for usdm-ws', async () => {
    const run = await liqwatch(
      'positions',
      '--source',
      'usdm-ws',
      '--keys',
      keysFile('oneway'),
      '--base-url',
      sim.wsUrl,
      '--json',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const positions = jsonPositions(run.stdout);
    expect(positions.map((p) => p.source)).toEqual(['usdm-ws', 'usdm-ws', 'usdm-ws']);
    expect(sim.requests.some((r) => r.transport === 'ws' && r.account === 'oneway' && r.status === 200)).toBe(true);
  });
});

describe('liqwatch positions --config', () => {
  it('reads every source of every configured account, keys from keysFile', async () => {
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const positions = jsonPositions(run.stdout);
    const seen = new Set(positions.map((p) => `${p.account} ${p.source}`));
    expect([...seen].sort()).toEqual(['main coinm', 'main usdm', 'main usdm-ws', 'pm pm-cm', 'pm pm-um']);
  });

  it('--account reads one account only', async () => {
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json', '--account', 'pm');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const rows = table(run.stdout);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toMatch(/^pm\s+pm-(um|cm)\s/);
  });

  it('an unknown --account is one clear line', async () => {
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json', '--account', 'nope');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/no account "nope" in the config; it has main, pm/);
  });
});

describe('failures: a non-zero exit and one clear line on stderr', () => {
  it.each([
    ['a keys file that does not exist', ['--keys', 'keys/missing.json'], /keys file .*missing\.json: no such file/],
    [
      'a keys file that is not JSON',
      ['--keys', 'keys/broken.json'],
      /keys file .*broken\.json: keys are not valid JSON/,
    ],
    [
      'a key the exchange does not know (-2015)',
      ['--keys', 'keys/unknown.json'],
      /HTTP 401 code -2015.*Invalid API-key/,
    ],
  ])('%s', async (_what, keys, message) => {
    const run = await liqwatch('positions', '--source', 'usdm', ...keys, '--base-url', sim.url);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^liqwatch positions: /);
    expect(lines[0]).toMatch(message);
    // Nothing was read: nothing on stdout that could pass for "no positions".
    expect(run.stdout).toBe('');
  });

  it('an unknown source', async () => {
    const run = await liqwatch('positions', '--source', 'spot', '--keys', keysFile('oneway'));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/unknown source "spot"; the sources are usdm, usdm-ws, coinm, pm-um, pm-cm/);
  });

  it('a ws:// URL for a REST source', async () => {
    const run = await liqwatch('positions', '--source', 'usdm', '--keys', keysFile('oneway'), '--base-url', sim.wsUrl);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/must be http or https/);
  });
});
