import type { SourceId } from '#core/position.js';
import type { SimAccount, SimPosition } from '#local/exchange-simulator/index.js';

/**
 * The demo's story, one step per check: a BTC long drifts towards liquidation (warning, then critical),
 * an ETH short leg opens against a long (a new hedge leg), a COIN-M position's leverage is raised over
 * the cap, then BTC recovers and its alert resolves. Then it starts again.
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
const usdmBook = (mark: number, hedged: boolean): SimPosition[] => [
  btc(mark),
  ethLong,
  hedged ? ethShort : { ...ethShort, positionAmt: 0 },
];

interface Step {
  note: string;
  positions: Partial<Record<SourceId, SimPosition[]>>;
}

/** BTC's mark at each step: 20 % from liquidation, then 12 %, 10 %, 6 %, 5 %, and back. */
const BTC_MARKS = [60_000, 54_500, 53_300, 51_000, 50_500, 50_600, 58_000, 59_500];

export const DEMO_STEPS: Step[] = BTC_MARKS.map((mark, i) => ({
  note: [
    'baseline: five sources, nothing near liquidation',
    'BTCUSDT falls: 12% from liquidation',
    'an ETHUSDT SHORT leg opens against the LONG',
    'BTCUSDT falls further: 6% from liquidation',
    'COIN-M leverage raised to 25x',
    'BTCUSDT hovers near liquidation',
    'BTCUSDT recovers',
    'calm',
  ][i]!,
  positions: {
    // One USDⓈ-M book, read over REST and over the WebSocket API: the exchange answers both alike.
    usdm: usdmBook(mark, i >= 2 && i < 7),
    'usdm-ws': usdmBook(mark, i >= 2 && i < 7),
    coinm: [coinm(i >= 4 && i < 7 ? 25 : 10)],
    'pm-um': [pmUm],
    'pm-cm': [pmCm],
  },
}));

/** The demo account as the simulator holds it, with a key made for this run. */
export function demoAccount(apiKey: string, apiSecret: string): SimAccount {
  return { name: DEMO_ACCOUNT, apiKey, apiSecret, hedgeMode: true, positions: DEMO_STEPS[0]!.positions };
}
