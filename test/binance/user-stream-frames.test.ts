/*
 * The frames of the user data streams, from the exchange's own examples (event pages cited in
 * `functions/binance/user-events.ts`; the pages' `// comments` removed, and the missing comma after
 * Portfolio Margin's `"ps":"LONG"` restored), read into `UserEvent`s.
 */
import { describe, expect, it } from 'vitest';
import { readUserFrame } from '#binance/user-events.js';
import { ParseError } from '#shared/parse.js';

const UM = { account: 'main', source: 'usdm' } as const;
const PM = { account: 'pm', source: 'pm-um' } as const;
const read = (frame: unknown, owner: { account: string; source: 'usdm' | 'coinm' | 'pm-um' } = UM) =>
  readUserFrame(JSON.stringify(frame), owner);

/** USDⓈ-M's Event: Order Update example, as a forced close at each of its steps. */
function order(o: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: 1568879465651,
    T: 1568879465650,
    ...extra,
    o: {
      s: 'BTCUSDT',
      c: 'autoclose-1568879465650000001',
      S: 'SELL',
      o: 'LIMIT',
      f: 'IOC',
      q: '0.001',
      p: '7000',
      ap: '0',
      sp: '0',
      x: 'NEW',
      X: 'NEW',
      i: 8886774,
      l: '0',
      z: '0',
      L: '0',
      N: 'USDT',
      n: '0',
      T: 1568879465650,
      t: 0,
      b: '0',
      a: '9.91',
      m: false,
      R: true,
      wt: 'CONTRACT_PRICE',
      ot: 'LIMIT',
      ps: 'LONG',
      cp: false,
      rp: '0',
      pP: false,
      si: 0,
      ss: 0,
      V: 'NONE',
      pm: 'NONE',
      gtd: 0,
      ...o,
    },
  };
}

const FILLED = { x: 'TRADE', X: 'FILLED', ap: '7028.4', L: '7028.4', l: '0.001', z: '0.001' };

describe('user data stream frames', () => {
  it('ACCOUNT_UPDATE: its reason; a Portfolio Margin event names its book', () => {
    const update = {
      e: 'ACCOUNT_UPDATE',
      E: 1564745798939,
      T: 1564745798938,
      a: {
        m: 'ORDER',
        B: [{ a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' }],
        P: [
          {
            s: 'BTCUSDT',
            pa: '20',
            ep: '6563.66500',
            bep: '6563.6',
            cr: '0',
            up: '2850.21200',
            mt: 'isolated',
            iw: '13200.70726908',
            ps: 'LONG',
          },
        ],
      },
    };
    expect(read(update)).toEqual({
      kind: 'event',
      event: { kind: 'account-update', account: 'main', source: 'usdm', eventTime: 1564745798939, reason: 'ORDER' },
    });
    expect(read({ ...update, fs: 'CM', i: '' }, PM)).toMatchObject({ event: { source: 'pm-cm', account: 'pm' } });
    expect(read({ ...update, fs: 'UM', i: '' }, { ...PM, source: 'pm-um' })).toMatchObject({
      event: { source: 'pm-um' },
    });
  });

  it('a liquidation is told once, when its order ends filled: average price and amount filled', () => {
    expect(read(order({}))).toEqual({ kind: 'other', type: 'ORDER_TRADE_UPDATE' });
    expect(
      read(order({ x: 'TRADE', X: 'PARTIALLY_FILLED', ap: '7028.4', L: '7028.4', l: '0.0005', z: '0.0005' })),
    ).toEqual({ kind: 'other', type: 'ORDER_TRADE_UPDATE' });
    expect(read(order(FILLED))).toEqual({
      kind: 'event',
      event: {
        kind: 'force-close',
        account: 'main',
        source: 'usdm',
        symbol: 'BTCUSDT',
        positionSide: 'LONG',
        side: 'SELL',
        type: 'LIQUIDATION',
        price: 7028.4,
        qty: 0.001,
        eventTime: 1568879465651,
      },
    });
    // An IOC order that expired after a partial fill closed that much of the leg.
    expect(read(order({ ...FILLED, x: 'EXPIRED', X: 'EXPIRED', l: '0', z: '0.0004' }))).toMatchObject({
      event: { kind: 'force-close', qty: 0.0004 },
    });
    expect(read(order({ x: 'EXPIRED', X: 'EXPIRED' }))).toEqual({ kind: 'other', type: 'ORDER_TRADE_UPDATE' });
  });

  it('an auto-deleverage is told as ADL, at the last fill price when no average is given', () => {
    const adl = order({ c: 'adl_autoclose', S: 'BUY', ps: 'SHORT', x: 'CALCULATED', X: 'FILLED', L: '7100', z: '2' });
    expect(read(adl, { account: 'main', source: 'coinm' })).toMatchObject({
      event: {
        kind: 'force-close',
        source: 'coinm',
        type: 'ADL',
        side: 'BUY',
        positionSide: 'SHORT',
        price: 7100,
        qty: 2,
      },
    });
  });

  it('orders that are not the exchange closing a leg are not told', () => {
    for (const c of ['TEST', 'settlement_autoclose-1568879465650']) {
      expect(read(order({ ...FILLED, c }))).toEqual({ kind: 'other', type: 'ORDER_TRADE_UPDATE' });
    }
  });

  it('MARGIN_CALL names each symbol once; riskLevelChange its uniMMR and level', () => {
    const call = {
      e: 'MARGIN_CALL',
      E: 1587727187525,
      cw: '3.16812045',
      p: [
        {
          s: 'ETHUSDT',
          ps: 'LONG',
          pa: '1.327',
          mt: 'CROSSED',
          iw: '0',
          mp: '187.17127',
          up: '-1.166074',
          mm: '1.614445',
        },
        { s: 'ETHUSDT', ps: 'SHORT', pa: '-1', mt: 'CROSSED', iw: '0', mp: '187.17127', up: '0.1', mm: '1.2' },
      ],
    };
    expect(read(call)).toMatchObject({
      event: { kind: 'margin-call', symbols: ['ETHUSDT'], eventTime: 1587727187525 },
    });
    const risk = {
      e: 'riskLevelChange',
      E: 1587727187525,
      u: '1.99999999',
      s: 'MARGIN_CALL',
      eq: '30.23416728',
      ae: '30.23416728',
      m: '15.11708371',
    };
    expect(read(risk, PM)).toEqual({
      kind: 'event',
      event: {
        kind: 'risk-level',
        account: 'pm',
        source: 'pm-um',
        eventTime: 1587727187525,
        uniMMR: 1.99999999,
        status: 'MARGIN_CALL',
      },
    });
  });

  it('listenKeyExpired (its time a string on one page), the stream envelope, and events not read', () => {
    expect(read({ e: 'listenKeyExpired', E: '1736996475556', listenKey: 'WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv' })).toEqual({
      kind: 'expired',
    });
    expect(
      read({ stream: 'WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv', data: { e: 'listenKeyExpired', E: 1576653824250 } }),
    ).toEqual({
      kind: 'expired',
    });
    expect(read({ e: 'TRADE_LITE', E: 1721895408092 })).toEqual({ kind: 'other', type: 'TRADE_LITE' });
  });

  it('a frame of the wrong shape is a ParseError naming the event and the field', () => {
    const failure = (frame: unknown) => {
      try {
        readUserFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), UM);
      } catch (error) {
        if (error instanceof ParseError) return error.message;
        throw error;
      }
      throw new Error('expected a ParseError');
    };
    expect(failure('{"e":')).toBe('user data stream frame: not valid JSON');
    expect(failure({ E: 1 })).toBe('user data stream frame: e: expected the event type e');
    expect(failure({ e: 'ACCOUNT_UPDATE', E: 1, a: {} })).toBe(
      'ACCOUNT_UPDATE: a.m: Invalid input: expected string, received undefined',
    );
    expect(failure(order({ ...FILLED, s: undefined }))).toBe(
      'ORDER_TRADE_UPDATE o: s: Invalid input: expected string, received undefined',
    );
  });
});
