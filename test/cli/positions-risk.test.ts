import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';
import { CROSS_HEDGE, CROSS_WALLET, PM_ETH, PM_WALLET } from '#builders/risk-books.js';
import type { Position } from '#core/position.js';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { hmacKeys } from '../binance/scenario.js';

/*
 * `liqwatch positions` and the account numbers read beside the positions: a line per book above the
 * table, `accounts` beside `positions` in --json, and a book whose numbers could not be read saying so.
 */

const crossKeys = hmacKeys('risk-cross');
const pmKeys = hmacKeys('risk-pm');

/** A BTC-margined contract on 0.1 BTC: a COIN-M margin asset far from trouble. */
const COIN: SimPosition[] = [
  {
    symbol: 'BTCUSD_PERP',
    positionSide: 'LONG',
    positionAmt: 10,
    entryPrice: 60_000,
    markPrice: 60_000,
    liquidationPrice: 40_000,
  },
];

let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'cross',
        ...crossKeys.sim,
        hedgeMode: true,
        positions: { usdm: CROSS_HEDGE, coinm: COIN },
        wallets: { ...CROSS_WALLET, coinm: { BTC: 0.1 } },
      },
      { name: 'pm', ...pmKeys.sim, positions: { 'pm-um': PM_ETH }, wallets: PM_WALLET },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-cli-risk-'));
  await mkdir(join(dir, 'keys'));
  await writeFile(join(dir, 'keys', 'cross.json'), JSON.stringify(crossKeys.keys));
  await writeFile(join(dir, 'keys', 'pm.json'), JSON.stringify(pmKeys.keys));
  const config = (rules?: unknown) => ({
    accounts: [
      {
        name: 'main',
        sources: ['usdm', 'usdm-ws', 'coinm'],
        keysFile: './keys/cross.json',
        ...(rules ? { rules } : {}),
      },
      { name: 'pm', sources: ['pm-um', 'pm-cm'], keysFile: './keys/pm.json' },
    ],
    endpoints: { usdm: sim.url, 'usdm-ws': sim.wsUrl, coinm: sim.url, 'pm-um': sim.url, 'pm-cm': sim.url },
  });
  await writeFile(join(dir, 'liqwatch.config.json'), JSON.stringify(config()));
  await writeFile(
    join(dir, 'own.config.json'),
    JSON.stringify(config({ marginRatio: { warningPct: 85, criticalPct: 90 } })),
  );
});
afterEach(() => sim.clearFaults());
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const liqwatch = (...args: string[]) => runCli(args, { cwd: dir });

/** The lines above the table, which a blank line sets apart. */
function riskLines(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines.slice(0, lines.indexOf(''));
}

/** Runs `liqwatch <args>` and says which account and ADL pages the simulator was asked for meanwhile. */
async function withPages(...args: string[]) {
  const before = sim.requests.length;
  const run = await liqwatch(...args);
  const pages = sim.requests
    .slice(before)
    .map((r) => r.path ?? r.method ?? '')
    .filter((p) => /\/account$|account\.status|adlQuantile/.test(p));
  return { run, pages };
}

describe('liqwatch positions --config: the account numbers above the table', () => {
  it("opens with each account's line, the USDⓈ-M account once though usdm and usdm-ws both read it", async () => {
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(riskLines(run.stdout)).toEqual([
      'main usdm · margin ratio 80 % (warning) · equity 750 USDT · maint 600 USDT · add 107.15 USDT of margin, or reduce positions by 13 %, to be back under 70 %',
      'main coinm BTC · margin ratio 0.1 % (ok) · equity 0.1 BTC · maint 0.00008333 BTC',
      'pm pm · uniMMR 1.40 (warning) · equity 2,100 USD · maint 1,500 USD · MARGIN_CALL · add 150 USD of equity, or reduce positions by 7 %, to be back over 1.5',
    ]);
    // The account warns while each leg is 50 % from its own liquidation price.
    expect(run.stdout).toMatch(/main\s+usdm\s+BTCUSDT\s+LONG\s+1\s+60000\s+60000\s+30000\s+50\.0%/);
  });

  it('reads each margin page once, the Portfolio Margin page once for both books, and no ADL page', async () => {
    const { pages } = await withPages('positions', '--config', 'liqwatch.config.json');
    expect(pages.sort()).toEqual(['/dapi/v1/account', '/fapi/v2/account', '/papi/v1/account', 'v2/account.status']);
  });

  it("judges each account's line by its own thresholds", async () => {
    const run = await liqwatch('positions', '--config', 'own.config.json', '--account', 'main');
    expect(riskLines(run.stdout)[0]).toBe('main usdm · margin ratio 80 % (ok) · equity 750 USDT · maint 600 USDT');
  });

  it('--json prints { positions, accounts }: the account-risk contract, a cross row with its margin ratio', async () => {
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(run.stdout) as { positions: Position[]; accounts: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['positions', 'accounts']);
    expect(out.positions).toHaveLength(4);
    expect(out.accounts[0]).toEqual({
      kind: 'cross',
      account: 'main',
      source: 'usdm',
      asset: null,
      maintMargin: 600,
      marginBalance: 750,
      walletBalance: 750,
      availableBalance: expect.any(Number),
      marginRatioPct: 80,
    });
    expect(Object.keys(out.accounts[0]!).at(-1)).toBe('marginRatioPct');
    expect(out.accounts[1]).toMatchObject({ kind: 'cross', source: 'coinm', asset: 'BTC', marginBalance: 0.1 });
    expect(out.accounts[2]).toEqual({
      kind: 'portfolio',
      account: 'pm',
      source: 'pm-um',
      uniMMR: 1.4,
      accountStatus: 'MARGIN_CALL',
      accountEquity: 2_100,
      actualEquity: 2_100,
      accountMaintMargin: 1_500,
      totalAvailableBalance: expect.any(Number),
    });
    expect(out.accounts[2]).not.toHaveProperty('marginRatioPct');
  });

  it("a usdm account page that cannot be read leaves usdm-ws's numbers shown, and the failure on stderr", async () => {
    sim.injectFault({ source: 'usdm', path: '/fapi/v2/account', times: Infinity }, { kind: 'malformed' });
    const run = await liqwatch('positions', '--config', 'liqwatch.config.json', '--account', 'main');
    expect(run.code).toBe(1);
    expect(riskLines(run.stdout)[0]).toMatch(/^main usdm · margin ratio 80 % \(warning\)/);
    expect(run.stdout).not.toContain('not read');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^liqwatch positions: main usdm GET \/fapi\/v2\/account: HTTP 200/),
    ]);
  });
});

describe("liqwatch positions --source --keys: that source's account page too", () => {
  const keys = (name: string) => join(dir, 'keys', `${name}.json`);

  it('pm-cm reads the one Portfolio Margin page', async () => {
    const args = ['positions', '--source', 'pm-cm', '--keys', keys('pm'), '--base-url', sim.url];
    const { run, pages } = await withPages(...args);
    expect(run.code).toBe(0);
    expect(pages).toEqual(['/papi/v1/account']);
    expect(riskLines(run.stdout)).toEqual([expect.stringMatching(/^cli pm · uniMMR 1\.40 \(warning\) · /)]);
    expect(JSON.parse((await liqwatch(...args, '--json')).stdout)).toMatchObject({
      positions: [],
      accounts: [{ kind: 'portfolio', account: 'cli', source: 'pm-cm', uniMMR: 1.4 }],
    });
  });

  it('usdm-ws reads the WebSocket API account status', async () => {
    const args = ['positions', '--source', 'usdm-ws', '--keys', keys('cross'), '--base-url', sim.wsUrl];
    const { run, pages } = await withPages(...args);
    expect(run.code).toBe(0);
    expect(pages).toEqual(['v2/account.status']);
    expect(riskLines(run.stdout)[0]).toMatch(/^cli usdm-ws · margin ratio 80 % \(warning\)/);
  });

  it('an account page that cannot be read is a line saying so above the table, never "no risk", and exit 1', async () => {
    sim.injectFault({ source: 'usdm', path: '/fapi/v2/account', times: Infinity }, { kind: 'malformed' });
    const args = ['positions', '--source', 'usdm', '--keys', keys('cross'), '--base-url', sim.url];
    const run = await liqwatch(...args);
    expect(run.code).toBe(1);
    expect(riskLines(run.stdout)).toEqual([
      expect.stringMatching(/^cli usdm · account numbers not read: GET \/fapi\/v2\/account: HTTP 200/),
    ]);
    expect(run.stdout).toMatch(/cli\s+usdm\s+BTCUSDT\s+LONG/);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^liqwatch positions: cli usdm GET \/fapi\/v2\/account: HTTP 200/),
    ]);
    const json = JSON.parse((await liqwatch(...args, '--json')).stdout) as { positions: Position[]; accounts: [] };
    expect(json.positions).toHaveLength(2);
    expect(json.accounts).toEqual([]);
  });
});
