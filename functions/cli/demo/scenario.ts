import type { SourceId } from '#core/position.js';
import type { ExchangeSimulator, SimAccount, SimPosition } from '#local/exchange-simulator/index.js';

/**
 * The demo's story, one step per check: a BTC long drifts towards liquidation (warning, then critical,
 * while an ETH short leg opens against a long: a new hedge leg), goes deeper (under 5 %, told at once),
 * the trader presses Acknowledge and it goes deeper still (under 3 %: still told, acknowledged), then the
 * exchange liquidates it; a COIN-M position's leverage goes over the cap and back, and that alert
 * resolves. Then it starts again.
 */
export const DEMO_ACCOUNT = 'demo';

const btc = (mark: number): SimPosition => ({
  symbol: 'BTCUSDT',
  positionAmt: 0.5,
  entryPrice: 60_000,
  markPrice: mark,
  liquidationPrice: 48_000,
  leverage: 10,
  marginType: 'cross',
});
const ethLong: SimPosition = {
  symbol: 'ETHUSDT',
  positionSide: 'LONG',
  positionAmt: 4,
  entryPrice: 3_000,
  markPrice: 3_050,
  liquidationPrice: 2_100,
  leverage: 5,
};
const ethShort: SimPosition = {
  symbol: 'ETHUSDT',
  positionSide: 'SHORT',
  positionAmt: -2,
  entryPrice: 3_050,
  markPrice: 3_050,
  liquidationPrice: 4_400,
  leverage: 5,
};
const coinm = (leverage: number): SimPosition => ({
  symbol: 'BTCUSD_PERP',
  positionAmt: 20,
  entryPrice: 58_000,
  markPrice: 60_000,
  liquidationPrice: 41_000,
  leverage,
});
const pmUm: SimPosition = {
  symbol: 'SOLUSDT',
  positionAmt: -50,
  entryPrice: 150,
  markPrice: 145,
  liquidationPrice: 210,
  leverage: 3,
};
const pmCm: SimPosition = { symbol: 'ETHUSD_PERP', positionAmt: 30, entryPrice: 2_900, markPrice: 3_050, leverage: 2 };

/** The USDⓈ-M book: the BTC long, and the ETH long with its SHORT leg open or flat. */
const usdmBook = (btcLeg: SimPosition, hedged: boolean): SimPosition[] => [
  btcLeg,
  ethLong,
  hedged ? ethShort : { ...ethShort, positionAmt: 0 },
];

export interface DemoStep {
  note: string;
  positions: Partial<Record<SourceId, SimPosition[]>>;
  /** Before the check: the trader presses Acknowledge under the newest critical alert. */
  acknowledge?: boolean;
  /** After the positions are set: the exchange liquidates this leg (and records its force order). */
  liquidate?: { source: SourceId; symbol: string };
}

/**
 * BTC's mark at each step: 20 % from liquidation, 11.9 %, 5.9 % (critical), 4.6 % (under the 5 % rung),
 * 2.5 % (under 3 %), at the liquidation price (liquidated), then flat while COIN-M's leverage goes over
 * the cap and back. `null`: the leg is closed.
 */
const BTC_MARKS = [60_000, 54_500, 51_000, 50_300, 49_250, 48_000, null, null];

const NOTES = [
  'baseline: five sources, nothing near liquidation',
  'BTCUSDT falls: 12% from liquidation',
  'BTCUSDT falls to 6% from liquidation; an ETHUSDT SHORT leg opens against the LONG',
  'BTCUSDT falls under 5%: deeper',
  'you press Acknowledge; BTCUSDT falls under 3%: a new rung down is still told',
  'BTCUSDT reaches its liquidation price: the exchange liquidates it',
  'COIN-M leverage raised to 25x',
  'COIN-M leverage back to 10x: calm',
];

export const DEMO_STEPS: DemoStep[] = BTC_MARKS.map((mark, i) => {
  const hedged = i >= 2 && i < 7;
  // One USDⓈ-M book, read over REST and over the WebSocket API: the exchange answers both alike.
  const book = usdmBook(mark === null ? { ...btc(48_000), positionAmt: 0 } : btc(mark), hedged);
  return {
    note: NOTES[i]!,
    positions: {
      usdm: book,
      'usdm-ws': book,
      coinm: [coinm(i === 6 ? 25 : 10)],
      'pm-um': [pmUm],
      'pm-cm': [pmCm],
    },
    ...(i === 4 ? { acknowledge: true } : {}),
    ...(i === 5 ? { liquidate: { source: 'usdm' as const, symbol: 'BTCUSDT' } } : {}),
  };
});

/**
 * Moves the simulated exchange to a step: its positions, then the liquidation it holds, which closes the
 * leg at its liquidation price and records the force order the check reads (GET /fapi/v1/forceOrders).
 */
export function applyDemoStep(sim: Pick<ExchangeSimulator, 'setPositions' | 'liquidate'>, step: DemoStep): void {
  for (const [source, positions] of Object.entries(step.positions)) {
    sim.setPositions(DEMO_ACCOUNT, source as SourceId, positions);
  }
  if (step.liquidate) sim.liquidate(DEMO_ACCOUNT, step.liquidate.source, step.liquidate.symbol);
}

/** The demo account as the simulator holds it, with a key made for this run. */
export function demoAccount(apiKey: string, apiSecret: string): SimAccount {
  return { name: DEMO_ACCOUNT, apiKey, apiSecret, hedgeMode: true, positions: DEMO_STEPS[0]!.positions };
}
