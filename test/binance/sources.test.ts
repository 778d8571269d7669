import { describe, expect, it } from 'vitest';
import { sources } from '#binance/sources/index.js';
import { liqDistancePct } from '#core/position.js';
import * as seed from '../fixtures/seed-rows.js';

describe('normalising the documented rows', () => {
  it('usdm hedge mode: the seed example becomes the design contract exactly', () => {
    const [long, short] = sources.usdm.toPositions(seed.usdmHedge, 'main');
    expect(long).toEqual({
      account: 'main',
      source: 'usdm',
      symbol: 'BTCUSDT',
      positionSide: 'LONG',
      positionAmt: 0.001,
      entryPrice: 22185.2,
      breakEvenPrice: 0,
      markPrice: 21123.05052574,
      liquidationPrice: 19731.45529116,
      leverage: 4,
      marginType: 'cross',
      isolatedMargin: 0,
      notional: 21.12305052,
      unrealizedProfit: -1.06214947,
      maxNotionalValue: 100000000,
      maxQty: null,
      updateTime: 1655217461579,
    });
    expect(short?.positionSide).toBe('SHORT');
    expect(short?.positionAmt).toBe(0);
    // "0" means there is no liquidation price, not a price of zero (seed 000).
    expect(short?.liquidationPrice).toBeNull();
  });

  it('usdm one-way mode: a flat BOTH leg with liquidationPrice "0"', () => {
    const [both] = sources.usdm.toPositions(seed.usdmOneWay, 'main');
    expect(both).toMatchObject({
      positionSide: 'BOTH',
      positionAmt: 0,
      liquidationPrice: null,
      marginType: 'isolated',
    });
    expect(liqDistancePct(both!)).toBeNull();
  });

  it('usdm-ws reads the same rows and says it came from the WebSocket API', () => {
    const positions = sources['usdm-ws'].toPositions(seed.usdmHedge, 'main');
    expect(positions.map((p) => p.source)).toEqual(['usdm-ws', 'usdm-ws']);
    expect(positions[0]?.liquidationPrice).toBe(19731.45529116);
  });

  it('coinm: maxQty, no notional, BOTH/LONG/SHORT legs', () => {
    const positions = sources.coinm.toPositions(seed.coinmHedge, 'main');
    expect(positions.map((p) => p.positionSide)).toEqual(['BOTH', 'LONG', 'SHORT']);
    expect(positions[1]).toMatchObject({
      source: 'coinm',
      positionAmt: 1,
      breakEvenPrice: 11707.80000005,
      maxQty: 50,
      notional: null,
      maxNotionalValue: null,
      unrealizedProfit: 0.00005866,
    });
  });

  it('pm-um: no margin-type fields, so they are null, not invented', () => {
    const [long] = sources['pm-um'].toPositions(seed.pmUmHedge, 'pm');
    expect(long).toMatchObject({
      source: 'pm-um',
      marginType: null,
      isolatedMargin: null,
      breakEvenPrice: null,
      notional: 21.12305052,
      maxNotionalValue: 100000000,
      liquidationPrice: 6170.20509059,
    });
    expect(sources['pm-um'].toPositions(seed.pmUmOneWay, 'pm')[0]?.positionSide).toBe('BOTH');
  });

  it('pm-cm: notionalValue becomes notional, maxQty kept', () => {
    const [long] = sources['pm-cm'].toPositions(seed.pmCmHedge, 'pm');
    expect(long).toMatchObject({ source: 'pm-cm', notional: 0.00084827, maxQty: 50, maxNotionalValue: null });
    expect(sources['pm-cm'].toPositions(seed.pmCmOneWay, 'pm')).toHaveLength(1);
  });

  it('an empty array is no positions', () => {
    for (const source of Object.values(sources)) expect(source.toPositions([], 'main')).toEqual([]);
  });
});

describe('leniency where the exchange is loose', () => {
  const row = seed.usdmHedge[0]!;

  it('takes numbers as JSON numbers too, and ignores unknown fields', () => {
    const [p] = sources.usdm.toPositions(
      [{ ...row, positionAmt: 0.5, markPrice: 21000, updateTime: '1655217461579', brandNewField: { x: 1 } }],
      'main',
    );
    expect(p).toMatchObject({ positionAmt: 0.5, markPrice: 21000, updateTime: 1655217461579 });
    expect(p).not.toHaveProperty('brandNewField');
  });

  it('keeps the position when an optional field is missing or holds a surprise', () => {
    const { breakEvenPrice: _b, notional: _n, ...rest } = row;
    const [p] = sources.usdm.toPositions([{ ...rest, marginType: 'SOMETHING_NEW', maxNotionalValue: 'INF' }], 'main');
    expect(p).toMatchObject({ breakEvenPrice: null, notional: null, marginType: null, maxNotionalValue: null });
    expect(p?.positionAmt).toBe(0.001);
  });

  it('reads marginType in any case', () => {
    const [p] = sources.usdm.toPositions([{ ...row, marginType: 'CROSSED' }], 'main');
    expect(p?.marginType).toBe('cross');
  });
});

describe('strictness where it matters', () => {
  const row = seed.usdmHedge[0]!;

  it.each([
    ['a missing symbol', { symbol: undefined }, /\[0\]\.symbol/],
    [
      'an amount that is not a number',
      { positionAmt: 'abc' },
      /\[0\]\.positionAmt: expected a decimal number, got "abc"/,
    ],
    ['a missing mark price', { markPrice: undefined }, /\[0\]\.markPrice: expected a decimal number, got nothing/],
    ['a missing liquidation price', { liquidationPrice: undefined }, /\[0\]\.liquidationPrice/],
    ['an unknown position side', { positionSide: 'UP' }, /\[0\]\.positionSide/],
  ])('%s is an error naming the field', (_what, change, pattern) => {
    expect(() => sources.usdm.toPositions([{ ...row, ...change }], 'main')).toThrow(pattern);
  });

  it('a body that is not an array is an error, not a crash', () => {
    expect(() => sources.coinm.toPositions({ code: 0, msg: 'ok' }, 'main')).toThrow(
      /the response is not the documented array of positions: got an object with code, msg/,
    );
  });
});
