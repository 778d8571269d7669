import { atDistance } from '#builders/position.js';
import type { Notification } from '#core/alert.js';
import {
  type AccountState,
  advanceAccount,
  type ChatRoute,
  type CycleResult,
  type ForceOrderEvidence,
  type SourceOutcome,
} from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import type { Position } from '#core/position.js';
import { type RuleSettings, resolveRuleSettings } from '#core/rules/settings.js';

/** Cycles of one account through `advanceAccount`, on a clock the test sets. Shared by the core's lifecycle tests. */

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 0, 5, 12, 0); // a Monday, 12:00 UTC
export const CHAT = 42;
export const LIQ_KEY = 'main|usdm|BTCUSDT|BOTH|liq-distance';
export const APPROACH_KEY = 'main|usdm|BTCUSDT|BOTH|approach';

/**
 * One cycle's read of `usdm`: the BTCUSDT long at this distance to liquidation (in %), the leg closed,
 * the source failing, or these legs.
 */
export type Step = number | 'closed' | 'failed' | readonly Position[];

export interface RunOptions {
  settings?: RuleSettings;
  stepMs?: number;
  start?: number;
  chats?: ChatRoute[];
  mutes?: Mute[];
  prev?: AccountState | null;
  /** The force orders the check read before cycle `i`. */
  forceOrders?: (i: number) => ForceOrderEvidence | undefined;
  /** Changes the state between cycles (an acknowledgement from chat), before cycle `i`. */
  between?: (i: number, state: AccountState, nowMs: number) => AccountState;
}

export interface Run {
  /** Per cycle, what the first chat was told. */
  told: Notification[][];
  /** Per cycle, whether the first chat's message was silent (`true` when it got none). */
  silent: boolean[];
  results: CycleResult[];
  state: AccountState;
}

export function outcomeOf(step: Step): SourceOutcome {
  if (step === 'failed') {
    return {
      source: 'usdm',
      ok: false,
      error: { kind: 'network', message: 'timed out', exchangeCode: null, keysRefused: false },
    };
  }
  if (step === 'closed') return { source: 'usdm', ok: true, positions: [] };
  return { source: 'usdm', ok: true, positions: typeof step === 'number' ? [atDistance(step)] : step };
}

export function run(steps: readonly Step[], opts: RunOptions = {}): Run {
  const chats = opts.chats ?? [{ id: CHAT }];
  const stepMs = opts.stepMs ?? MIN;
  let prev = opts.prev ?? null;
  const told: Notification[][] = [];
  const silent: boolean[] = [];
  const results: CycleResult[] = [];
  steps.forEach((step, i) => {
    const nowMs = (opts.start ?? T0) + i * stepMs;
    if (prev && opts.between) prev = opts.between(i, prev, nowMs);
    const result = advanceAccount({
      account: 'main',
      prev,
      outcomes: [outcomeOf(step)],
      settings: opts.settings ?? resolveRuleSettings(),
      nowMs,
      mutes: opts.mutes ?? [],
      chats,
      forceOrders: opts.forceOrders?.(i),
    });
    prev = result.state;
    results.push(result);
    const mine = result.deliveries.find((d) => d.chatId === chats[0]!.id);
    told.push(mine?.notifications ?? []);
    silent.push(mine?.silent ?? true);
  });
  if (prev === null) throw new Error('run needs at least one step');
  return { told, silent, results, state: prev };
}

/** `kind:severity:rule` of each notification of each cycle. */
export const labels = (told: Notification[][]) => told.map((ns) => ns.map(label));
export const label = (n: Notification) => `${n.kind}:${n.alert.severity}:${n.alert.rule}`;

/** The cycles in which anything was told, as `index kind:severity:rule`. */
export const toldAt = (told: Notification[][]) => told.flatMap((ns, i) => ns.map((n) => `${i} ${label(n)}`));

/** `n` copies of a step. */
export const times = (n: number, step: Step): Step[] => Array.from({ length: n }, () => step);
