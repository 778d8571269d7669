import { describe, expect, it } from 'vitest';
import { atDistance, buildPosition } from '#builders/position.js';
import { type AccountState, advanceAccount, type ChatRoute, type SourceOutcome } from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import type { Position } from '#core/position.js';
import { type RuleSettings, resolveRuleSettings } from '#core/rules/settings.js';

const settings = resolveRuleSettings();
/**
 * The lifecycle with a margin only: no hold-down, no `approach` rule. The tests written before those
 * existed pin down the rest of the lifecycle with it; the hold-down and the pace have their own tests.
 */
const plain = resolveRuleSettings({
  liqDistance: { holdDownMinutes: 0, volatilityMargin: 0 },
  approach: { enabled: false },
});
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0); // a Monday, 12:00 UTC
const chat: ChatRoute = { id: 42 };

/** Runs cycles one minute apart and returns what the chat was told in each, as `kind:severity:rule`. */
function run(
  cycles: (readonly Position[] | SourceOutcome[] | null)[],
  opts: {
    mutes?: Mute[];
    chats?: ChatRoute[];
    start?: number;
    prev?: AccountState | null;
    stepMs?: number;
    settings?: RuleSettings;
  } = {},
) {
  let prev = opts.prev ?? null;
  const told: string[][] = [];
  const silent: boolean[] = [];
  cycles.forEach((cycle, i) => {
    const outcomes: SourceOutcome[] =
      cycle === null
        ? [
            {
              source: 'usdm',
              ok: false,
              error: { kind: 'network', message: 'timed out', exchangeCode: null, keysRefused: false },
            },
          ]
        : isOutcomes(cycle)
          ? cycle
          : [{ source: 'usdm', ok: true, positions: cycle }];
    const result = advanceAccount({
      account: 'main',
      prev,
      outcomes,
      settings: opts.settings ?? plain,
      nowMs: (opts.start ?? T0) + i * (opts.stepMs ?? MIN),
      mutes: opts.mutes ?? [],
      chats: opts.chats ?? [chat],
    });
    prev = result.state;
    const mine = result.deliveries.find((d) => d.chatId === (opts.chats ?? [chat])[0]!.id);
    told.push(mine?.notifications.map((n) => `${n.kind}:${n.alert.severity}:${n.alert.rule}`) ?? []);
    silent.push(mine?.silent ?? true);
  });
  return { told, silent, state: prev as AccountState | null };
}

function isOutcomes(x: readonly unknown[]): x is SourceOutcome[] {
  return x.length > 0 && typeof (x[0] as SourceOutcome).ok === 'boolean';
}

describe('alert lifecycle', () => {
  it('fires once, stays quiet while nothing changes, escalates, then resolves once', () => {
    const { told } = run([
      [atDistance(20)],
      [atDistance(14)],
      [atDistance(13)],
      [atDistance(7)],
      [atDistance(6)],
      [atDistance(30)],
      [atDistance(30)],
    ]);
    expect(told).toEqual([
      [],
      ['firing:warning:liq-distance'],
      [],
      ['escalated:critical:liq-distance'],
      [],
      ['resolved:critical:liq-distance'],
      [],
    ]);
  });

  it('a price hovering at the warning line does not flap', () => {
    const distances = [14.9, 15.2, 14.8, 15.4, 14.95, 15.3, 15.9, 16.2];
    const { told } = run(distances.map((d) => [atDistance(d)]));
    expect(told.flat()).toEqual(['firing:warning:liq-distance', 'resolved:warning:liq-distance']);
    expect(told[7]).toEqual(['resolved:warning:liq-distance']);
  });

  it('repeats a warning after 4 h and a critical after 30 min while it keeps firing', () => {
    const warn = run(
      Array.from({ length: 5 }, () => [atDistance(10)]),
      { stepMs: 60 * MIN },
    );
    expect(warn.told.map((t) => t.length)).toEqual([1, 0, 0, 0, 1]);
    expect(warn.told[4]).toEqual(['repeat:warning:liq-distance']);
    const crit = run(
      Array.from({ length: 4 }, () => [atDistance(5)]),
      { stepMs: 15 * MIN },
    );
    expect(crit.told.map((t) => t.join())).toEqual([
      'firing:critical:liq-distance',
      '',
      'repeat:critical:liq-distance',
      '',
    ]);
  });

  it('easing is told, and climbing back to critical after it is told as an escalation', () => {
    const { told } = run([[atDistance(5)], [atDistance(10)], [atDistance(5)]]);
    expect(told).toEqual([
      ['firing:critical:liq-distance'],
      ['eased:warning:liq-distance'],
      ['escalated:critical:liq-distance'],
    ]);
  });

  it('a position closed while only a warning resolves its alert', () => {
    const { told } = run([[atDistance(10)], [{ ...atDistance(10), positionAmt: 0 }]]);
    expect(told[1]).toEqual(['resolved:warning:liq-distance']);
  });

  it('a failing source keeps its alerts: an outage is not a recovery', () => {
    const { told, state } = run([[atDistance(5)], null, null, [atDistance(5)]]);
    expect(told).toEqual([['firing:critical:liq-distance'], [], [], []]);
    expect(Object.keys(state!.alerts)).toEqual(['main|usdm|BTCUSDT|BOTH|liq-distance']);
  });

  it('three failed cycles fire source-down; the next success resolves it', () => {
    const { told } = run([[], null, null, null, null, []]);
    expect(told).toEqual([[], [], [], ['firing:warning:source-down'], [], ['resolved:warning:source-down']]);
  });

  it('the first cycle is a baseline for hedge legs; a new leg fires once and never resolves', () => {
    const long = buildPosition({ positionSide: 'LONG', positionAmt: 1, liquidationPrice: null });
    const short = buildPosition({ positionSide: 'SHORT', positionAmt: -1, liquidationPrice: null });
    const eth = (p: Position) => ({ ...p, symbol: 'ETHUSDT' });
    const { told } = run([
      [long, short],
      [long, short, eth(long)],
      [long, short, eth(long), eth(short)],
      [long, short, eth(long), eth(short)],
      [long],
    ]);
    expect(told).toEqual([[], [], ['firing:warning:new-hedge-leg'], [], []]);
  });

  it('refused keys on every source give one critical alert, not a source-down per source', () => {
    const refused = (source: 'usdm' | 'coinm'): SourceOutcome => ({
      source,
      ok: false,
      error: { kind: 'exchange', message: '-2015 Invalid API-key', exchangeCode: -2015, keysRefused: true },
    });
    const cycle = [refused('usdm'), refused('coinm')];
    const { told } = run([cycle, cycle, cycle, cycle]);
    expect(told).toEqual([['firing:critical:keys-refused'], [], [], []]);
  });

  it('a key refused on one source does not hide another source’s outage', () => {
    // Prepare: usdm's key is refused; coinm answers 503 (a real outage, not the key) every cycle.
    const cycle: SourceOutcome[] = [
      {
        source: 'usdm',
        ok: false,
        error: { kind: 'exchange', message: '-2015 Invalid API-key', exchangeCode: -2015, keysRefused: true },
      },
      {
        source: 'coinm',
        ok: false,
        error: { kind: 'http', message: 'HTTP 503 Service Unavailable', exchangeCode: null, keysRefused: false },
      },
    ];
    // Act
    const { told, state } = run([cycle, cycle, cycle, cycle]);
    // Assess: one keys-refused at once, coinm's source-down on its third failure, nothing twice.
    expect(told).toEqual([['firing:critical:keys-refused'], [], ['firing:warning:source-down'], []]);
    expect(Object.keys(state!.alerts).sort()).toEqual(['main|*|*|*|keys-refused', 'main|coinm|*|*|source-down']);
  });

  it('a source that was down and now refuses the key is not said to answer again', () => {
    // Prepare: three timeouts put usdm down; then the exchange refuses its key.
    const { state } = run([null, null, null]);
    const refused: SourceOutcome = {
      source: 'usdm',
      ok: false,
      error: { kind: 'exchange', message: '-2015 Invalid API-key', exchangeCode: -2015, keysRefused: true },
    };
    // Act
    const result = advanceAccount({
      account: 'main',
      prev: state,
      outcomes: [refused],
      settings,
      nowMs: T0 + 3 * MIN,
      mutes: [],
      chats: [chat],
    });
    // Assess: keys-refused takes over; the end of source-down says the source still fails.
    const news = result.deliveries[0]!.notifications;
    expect(news.map((n) => `${n.kind}:${n.alert.rule}`)).toEqual(['firing:keys-refused', 'resolved:source-down']);
    expect(news[1]!.alert.message).toBe('usdm still fails: its key is refused (see that alert)');
  });

  it('keys-refused has its own switch: source-down off still reports refused keys', () => {
    const refused: SourceOutcome[] = [
      {
        source: 'usdm',
        ok: false,
        error: { kind: 'exchange', message: '-2015 Invalid API-key', exchangeCode: -2015, keysRefused: true },
      },
    ];
    const noSourceDown = resolveRuleSettings({ sourceDown: { enabled: false } });
    expect(run([refused, refused], { settings: noSourceDown }).told).toEqual([['firing:critical:keys-refused'], []]);
    const noKeysRefused = resolveRuleSettings({ keysRefused: { enabled: false } });
    expect(run([refused, refused, refused], { settings: noKeysRefused }).told).toEqual([
      [],
      [],
      ['firing:warning:source-down'],
    ]);
  });

  it('a source taken out of the config is forgotten: its alerts neither fire on nor resolve', () => {
    const first = run([null, null, null]);
    expect(first.told[2]).toEqual(['firing:warning:source-down']);
    const coinmOnly: SourceOutcome[] = [{ source: 'coinm', ok: true, positions: [] }];
    const after = run([coinmOnly, coinmOnly], { prev: first.state });
    expect(after.told).toEqual([[], []]);
    expect(after.state!.alerts).toEqual({});
    expect(Object.keys(after.state!.health)).toEqual(['coinm']);
  });

  it('advancing never changes the previous state, also when a held-back event is told at last', () => {
    // Prepare: a new hedge leg fires while the chat is muted, so the event is still owed to it.
    const long = buildPosition({ positionSide: 'LONG', positionAmt: 1, liquidationPrice: null });
    const short = buildPosition({ positionSide: 'SHORT', positionAmt: -1, liquidationPrice: null });
    const mutes: Mute[] = [{ id: 'm1', scope: 'all', target: null, until: T0 + 2 * MIN, chatId: null, createdAt: T0 }];
    const { state } = run([[long], [long, short]], { mutes });
    const before = structuredClone(state);
    // Act: the mute has ended, so the event goes out now.
    const next = advanceAccount({
      account: 'main',
      prev: state,
      outcomes: [{ source: 'usdm', ok: true, positions: [long, short] }],
      settings,
      nowMs: T0 + 2 * MIN,
      mutes,
      chats: [chat],
    });
    // Assess
    expect(next.deliveries[0]?.notifications.map((n) => `${n.kind}:${n.alert.rule}`)).toEqual(['firing:new-hedge-leg']);
    expect(state).toEqual(before);
    expect(Object.values(next.state.alerts)[0]?.told[chat.id]).toEqual({ at: T0 + 2 * MIN, severity: 'warning' });
  });

  it('one message per chat per cycle, critical first', () => {
    const positions = [atDistance(10, { symbol: 'ETHUSDT' }), atDistance(5, { symbol: 'BTCUSDT', leverage: 25 })];
    const { told } = run([positions]);
    expect(told[0]).toEqual([
      'firing:critical:liq-distance',
      'firing:warning:liq-distance',
      'firing:warning:leverage-cap',
    ]);
  });
});

describe('mutes', () => {
  const mute = (over: Partial<Mute>): Mute => ({
    id: 'm1',
    scope: 'all',
    target: null,
    until: T0 + 3 * MIN,
    chatId: null,
    createdAt: T0,
    ...over,
  });

  it('a muted alert is told when the mute expires, if it still fires', () => {
    const cycles = Array.from({ length: 5 }, () => [atDistance(10)]);
    const { told } = run(cycles, { mutes: [mute({ scope: 'symbol', target: 'BTCUSDT' })] });
    expect(told).toEqual([[], [], [], ['firing:warning:liq-distance'], []]);
  });

  it('a mute of another account, symbol or chat silences nothing here', () => {
    for (const m of [
      mute({ scope: 'account', target: 'other' }),
      mute({ scope: 'symbol', target: 'ETHUSDT' }),
      mute({ chatId: 7 }),
    ]) {
      expect(run([[atDistance(10)]], { mutes: [m] }).told[0]).toHaveLength(1);
    }
  });

  it('an alert that fired and resolved while muted is never told', () => {
    const { told } = run([[atDistance(10)], [atDistance(30)], [atDistance(30)], [atDistance(30)]], {
      mutes: [mute({})],
    });
    expect(told.flat()).toEqual([]);
  });
});

describe('quiet hours and silent delivery', () => {
  const night: ChatRoute = { id: 42, quietHours: { from: '23:00', to: '07:00', timeZone: 'UTC' }, silent: ['warning'] };
  const at = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m);

  it('holds a warning back until the quiet hours end, and never holds a critical', () => {
    const { told } = run([[atDistance(10)], [atDistance(10)], [atDistance(10)]], {
      chats: [night],
      start: at(6, 58),
    });
    expect(told).toEqual([[], [], ['firing:warning:liq-distance']]);
    const crit = run([[atDistance(5)]], { chats: [night], start: at(3) });
    expect(crit.told[0]).toEqual(['firing:critical:liq-distance']);
    expect(crit.silent[0]).toBe(false);
  });

  it('a warning in a chat that wants warnings silent goes out without a sound; a critical rings', () => {
    expect(run([[atDistance(10)]], { chats: [night], start: at(12) }).silent[0]).toBe(true);
    expect(run([[atDistance(5)]], { chats: [night], start: at(12) }).silent[0]).toBe(false);
  });

  it('each chat is told on its own terms', () => {
    const day: ChatRoute = { id: 43 };
    let prev: AccountState | null = null;
    const out = [at(6, 59), at(7, 0)].map((nowMs) => {
      const r = advanceAccount({
        account: 'main',
        prev,
        outcomes: [{ source: 'usdm', ok: true, positions: [atDistance(10)] }],
        settings,
        nowMs,
        mutes: [],
        chats: [night, day],
      });
      prev = r.state;
      return r.deliveries.map((d) => `${d.chatId}:${d.notifications.map((n) => n.kind).join()}`);
    });
    expect(out).toEqual([['43:firing'], ['42:firing']]);
  });
});
