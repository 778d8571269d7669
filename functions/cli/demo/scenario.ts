import type { SourceId } from '#core/position.js';
import type { ExchangeSimulator, SimAccount, SimPosition } from '#local/exchange-simulator/index.js';
import { type DemoMarket, demoBooks } from './books.js';

/**
 * The demo's story, one step per check: a BTC long drifts towards liquidation (warning, then critical,
 * while an ETH short leg opens against a long: a new hedge leg), goes deeper (under 5 %, told at once),
 * the trader presses Acknowledge and it goes deeper still (under 3 %: still told, acknowledged), then the
 * exchange liquidates it; a COIN-M position's leverage goes over the cap and back, and that alert
 * resolves. Then the whole account's risk: the USDⓈ-M book's margin ratio climbs to a warning and to
 * critical while no leg is near its own liquidation price (margin moved out, then a hedge's maintenance
 * margin growing with its price), and margin added resolves it; the Portfolio Margin account slides down
 * the uniMMR ladder (reminder, reduce-only, under 1.1, liquidation under way) with its account status
 * following, and is back to NORMAL once the exchange's liquidation has closed part of it. Then it starts
 * again.
 */
export const DEMO_ACCOUNT = 'demo';

/**
 * The demo's rules over the defaults. It runs on a real clock, a check every few seconds, so a recovery
 * would wait out the 30-minute hold-down long after the story moved on: here an alert ends at the first
 * check that is clear of it.
 */
export const DEMO_RULES = { liqDistance: { holdDownMinutes: 0 } };

export interface DemoStep {
  note: string;
  positions: Partial<Record<SourceId, SimPosition[]>>;
  /** The wallets in USDT: the USDⓈ-M book's and the Portfolio Margin account's. */
  wallets: { usdm: number; pm: number };
  /** Before the check: the trader presses Acknowledge under the newest critical alert. */
  acknowledge?: boolean;
  /** After the positions are set: the exchange liquidates this leg (and records its force order). */
  liquidate?: { source: SourceId; symbol: string };
}

const START: DemoMarket = {
  btc: 60_000,
  ethHedged: false,
  coinmLeverage: 10,
  bnb: 600,
  usdmWallet: 40_000,
  sol: 145,
  pmShare: 1,
  pmWallet: 16_000,
};

type Beat = Pick<DemoStep, 'note' | 'acknowledge' | 'liquidate'> & Partial<DemoMarket>;

/**
 * What changes at each step. BTC's mark: 20 % from liquidation, 11.9 %, 5.9 % (critical), 4.6 % (under
 * the 5 % rung), 2.5 % (under 3 %), at the liquidation price, whose loss the wallet then bears. The
 * margin ratio: 82.7 %, 86.8 %, 36.9 %. The uniMMR: 2.18 at the start, 1.38, 1.15, 1.07, 1.04, 1.73.
 */
const BEATS: Beat[] = [
  { note: 'baseline: five sources, nothing near liquidation' },
  { note: 'BTCUSDT falls: 12% from liquidation', btc: 54_500 },
  {
    note: 'BTCUSDT falls to 6% from liquidation; an ETHUSDT SHORT leg opens against the LONG',
    btc: 51_000,
    ethHedged: true,
  },
  { note: 'BTCUSDT falls under 5%: deeper', btc: 50_300 },
  {
    note: 'you press Acknowledge; BTCUSDT falls under 3%: a new rung down is still told',
    btc: 49_250,
    acknowledge: true,
  },
  {
    note: 'BTCUSDT reaches its liquidation price: the exchange liquidates it',
    btc: 48_000,
    liquidate: { source: 'usdm', symbol: 'BTCUSDT' },
    usdmWallet: 34_000,
  },
  { note: 'COIN-M leverage raised to 25x', btc: null, coinmLeverage: 25 },
  { note: 'COIN-M leverage back to 10x: calm', coinmLeverage: 10, ethHedged: false },
  {
    note: 'you move 30,500 USDT of the USDⓈ-M wallet to spot: no leg is near its own liquidation price, but the margin ratio is 83%',
    usdmWallet: 3_500,
  },
  {
    note: 'BNBUSDT rises 5%: its hedge gains nothing, but the maintenance margin grows with the price: margin ratio 87%',
    bnb: 630,
  },
  {
    note: "you add 5,000 USDT of margin: margin ratio 37%, resolved at once (the demo's hold-down is 0 minutes; 30 by default)",
    usdmWallet: 8_500,
  },
  {
    note: 'Portfolio Margin: SOL rises to 155, the SOLUSDT SHORT loses more than the SOLUSD_PERP LONG gains: uniMMR 1.38, a margin call',
    sol: 155,
  },
  { note: 'SOL 158: uniMMR 1.15, the account goes reduce-only', sol: 158 },
  { note: 'SOL 159: uniMMR 1.07, under 1.1: deeper', sol: 159 },
  { note: 'SOL 159.50: uniMMR 1.04, the exchange is liquidating the account', sol: 159.5 },
  {
    note: 'the liquidation closes 40% of both SOL legs: uniMMR 1.73, status NORMAL, resolved at once (hold-down 0 in the demo)',
    pmShare: 0.6,
    // The closed 40 % turns 40 % of the legs' loss into the wallet's; the equity stays as it was.
    pmWallet: 10_800,
  },
];

/** Each step's market: the one before it, changed as its beat says. */
export const DEMO_STEPS: DemoStep[] = BEATS.reduce<{ market: DemoMarket; steps: DemoStep[] }>(
  ({ market, steps }, { note, acknowledge, liquidate, ...change }) => {
    const now = { ...market, ...change };
    const step: DemoStep = {
      note,
      positions: demoBooks(now),
      wallets: { usdm: now.usdmWallet, pm: now.pmWallet },
      ...(acknowledge ? { acknowledge } : {}),
      ...(liquidate ? { liquidate } : {}),
    };
    return { market: now, steps: [...steps, step] };
  },
  { market: START, steps: [] },
).steps;

/**
 * Moves the simulated exchange to a step: its positions and wallets, then the liquidation it holds, which
 * closes the leg at its liquidation price and records the force order the check reads
 * (GET /fapi/v1/forceOrders).
 */
export function applyDemoStep(
  sim: Pick<ExchangeSimulator, 'setPositions' | 'setWallet' | 'liquidate'>,
  step: DemoStep,
): void {
  for (const [source, positions] of Object.entries(step.positions)) {
    sim.setPositions(DEMO_ACCOUNT, source as SourceId, positions);
  }
  sim.setWallet(DEMO_ACCOUNT, 'usdm', 'USDT', step.wallets.usdm);
  sim.setWallet(DEMO_ACCOUNT, 'pm-um', 'USDT', step.wallets.pm);
  if (step.liquidate) sim.liquidate(DEMO_ACCOUNT, step.liquidate.source, step.liquidate.symbol);
}

/** The demo account as the simulator holds it, with a key made for this run. */
export function demoAccount(apiKey: string, apiSecret: string): SimAccount {
  const first = DEMO_STEPS[0]!;
  return {
    name: DEMO_ACCOUNT,
    apiKey,
    apiSecret,
    hedgeMode: true,
    positions: first.positions,
    wallets: { usdm: { USDT: first.wallets.usdm }, pm: { USDT: first.wallets.pm } },
  };
}
