import { buildPosition } from '#builders/position.js';
import type { RiskOutcome } from '#core/account-risk.js';
import type { Notification } from '#core/alert.js';
import { type AccountState, advanceAccount, type CycleResult, type SourceOutcome } from '#core/alerts.js';
import { type RuleSettings, resolveRuleSettings } from '#core/rules/settings.js';
import { CHAT, MIN, T0 } from './cycles.js';

/** Cycles of one account with both reads, positions and account numbers, on a clock the test sets. */

/** One cycle: the position reads (default: `usdm` holding a comfortable long) and the account reads. */
export interface RiskStep {
  outcomes?: readonly SourceOutcome[];
  risks?: readonly RiskOutcome[];
}

export interface RiskRun {
  /** Per cycle, what the chat was told. */
  told: Notification[][];
  results: CycleResult[];
  state: AccountState;
}

/** The default position read: a BTCUSDT long 20 % from liquidation, far from any tier. */
export const comfortable = (): SourceOutcome[] => [{ source: 'usdm', ok: true, positions: [buildPosition()] }];

export function runRisk(
  steps: readonly RiskStep[],
  opts: { settings?: RuleSettings; stepMs?: number; prev?: AccountState | null } = {},
): RiskRun {
  let prev = opts.prev ?? null;
  const told: Notification[][] = [];
  const results: CycleResult[] = [];
  steps.forEach((step, i) => {
    const result = advanceAccount({
      account: 'main',
      prev,
      outcomes: step.outcomes ?? comfortable(),
      risks: step.risks,
      settings: opts.settings ?? resolveRuleSettings(),
      nowMs: T0 + i * (opts.stepMs ?? MIN),
      mutes: [],
      chats: [{ id: CHAT }],
    });
    prev = result.state;
    results.push(result);
    told.push(result.deliveries.find((d) => d.chatId === CHAT)?.notifications ?? []);
  });
  if (prev === null) throw new Error('runRisk needs at least one step');
  return { told, results, state: prev };
}

/** `n` copies of a step. */
export const repeat = (n: number, step: RiskStep): RiskStep[] => Array.from({ length: n }, () => step);
