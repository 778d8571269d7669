import { describe, expect, it } from 'vitest';
import { buildPosition } from '#builders/position.js';
import { renderPositions } from '#core/format/command-views.js';
import { formatLegPnl, formatLegSize, pnlAsset } from '#core/format/numbers.js';
import { renderPositionsTable } from '#core/format/positions-table.js';
import { ago } from '#core/format/times.js';
import { evaluateNewHedgeLeg } from '#core/rules/new-hedge-leg.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/* Numbers a trader reads: PnL with its asset, COIN-M sizes in contracts, a short leg said one way everywhere. */

const T = Date.UTC(2026, 0, 5, 12, 0);
const TIERS = () => ({ warningPct: 15, criticalPct: 7.5 });

describe('PnL and size', () => {
  it.each([
    ['usdm', 'BTCUSDT', 'USDT'],
    ['pm-um', 'ETHUSDC', 'USDC'],
    ['usdm', 'ETHUSDT_260327', 'USDT'],
    ['usdm', 'BTCFDUSD', 'FDUSD'],
    ['coinm', 'BTCUSD_PERP', 'BTC'],
    ['pm-cm', 'ETHUSD_260327', 'ETH'],
    ['usdm', 'ODDSYMBOL', null],
  ] as const)('%s %s: PnL in %s', (source, symbol, asset) => {
    expect(pnlAsset({ source, symbol })).toBe(asset);
  });

  it('/positions gives the PnL its asset and a COIN-M size in contracts, a short unsigned beside its side', () => {
    const coin = buildPosition({ source: 'coinm', symbol: 'BTCUSD_PERP', positionAmt: -3, unrealizedProfit: -0.0012 });
    const um = buildPosition({ symbol: 'BTCUSDT', positionAmt: -0.5, unrealizedProfit: 12.5 });
    const text = renderPositions({ positions: [coin, um], failures: [] }, T, TIERS);
    expect(text).toContain('<b>BTCUSD_PERP</b> SHORT 3 contracts');
    expect(text).toContain('PnL -0.0012 BTC');
    expect(text).toContain('<b>BTCUSDT</b> SHORT 0.5 ·');
    expect(text).toContain('PnL +12.50 USDT');
    expect(formatLegSize({ source: 'pm-cm', positionAmt: 1 })).toBe('1 contract');
    expect(formatLegPnl(um)).toBe('+12.50 USDT');
  });

  it('the terminal table says a short leg as /positions does', () => {
    const table = renderPositionsTable([buildPosition({ symbol: 'ETHUSDT', positionAmt: -2, unrealizedProfit: -4 })]);
    const row = table.split('\n')[1]!;
    expect(row).toMatch(/ETHUSDT\s+SHORT\s+2\s/);
    expect(row).toContain('-4.00 USDT');
  });

  it('a new hedge leg is told as /positions shows it: the side word and an unsigned size', () => {
    const long = buildPosition({ symbol: 'ETHUSDT', positionSide: 'LONG', positionAmt: 1 });
    const short = buildPosition({ symbol: 'ETHUSDT', positionSide: 'SHORT', positionAmt: -2 });
    const prev = { 'ETHUSDT|LONG': 1 };
    const [finding] = evaluateNewHedgeLeg('main', 'usdm', [long, short], prev, resolveRuleSettings());
    expect(finding?.message).toContain('ETHUSDT SHORT 2 opened');
    expect(renderPositions({ positions: [short], failures: [] }, T, TIERS)).toContain('ETHUSDT</b> SHORT 2 ·');
  });
});

describe('relative times', () => {
  it.each([
    [0, '0 s'],
    [20_000, '20 s'],
    [59_000, '59 s'],
    [60_000, '1 min'],
    [25 * 60_000, '25 min'],
    [190 * 60_000, '3 h 10 min'],
  ])('%i ms is %s, never "0 min"', (ms, text) => {
    expect(ago(ms)).toBe(text);
  });
});
