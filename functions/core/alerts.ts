import type { RiskOutcome } from './account-risk.js';
import type { ForceOrderEvidence } from './force-order.js';
import { type AccountState, emptyAccountState } from './lifecycle/account-state.js';
import { evaluateCycle, type SourceOutcome } from './lifecycle/evaluate.js';
import { latestRisks } from './lifecycle/risk-books.js';
import { type ChatNotifications, type ChatRoute, routeNotifications } from './lifecycle/route.js';
import { recordTold, transitionAlerts } from './lifecycle/transition.js';
import type { Mute } from './mutes.js';
import type { RuleSettings } from './rules/settings.js';

export type { AccountRisk, RiskOutcome } from './account-risk.js';
export type { ForceOrder, ForceOrderEvidence } from './force-order.js';
export { legsClosedWhileCritical } from './force-order.js';
export type { AccountState } from './lifecycle/account-state.js';
export { acknowledgeAlert } from './lifecycle/acknowledge.js';
export type { SourceOutcome } from './lifecycle/evaluate.js';
export type { ChatNotifications, ChatRoute } from './lifecycle/route.js';

export interface CycleInput {
  account: string;
  prev: AccountState | null;
  outcomes: readonly SourceOutcome[];
  /** The account reads of this cycle (margin numbers, ADL quantiles); absent: none were made. */
  risks?: readonly RiskOutcome[] | undefined;
  settings: RuleSettings;
  nowMs: number;
  mutes: readonly Mute[];
  chats: readonly ChatRoute[];
  /**
   * The force orders of the sources holding a leg that closed while critical (`legsClosedWhileCritical`),
   * read since the alert began: they tell a liquidation from a close. Absent: it cannot be told.
   */
  forceOrders?: ForceOrderEvidence | undefined;
}

export interface CycleResult {
  state: AccountState;
  deliveries: ChatNotifications[];
  /** Alerts that resolved this cycle: their "until resolved" mutes end. */
  resolvedKeys: string[];
  /** The state this cycle moved on from (its time): the same news from the same state is the same news. */
  basis: number;
}

/**
 * One cycle of one account, in three pure steps: evaluate the rules on what the sources answered
 * (`lifecycle/evaluate.ts`), move each alert on and say who is owed news (`lifecycle/transition.ts`),
 * then route that news past mutes and quiet hours to each chat (`lifecycle/route.ts`). Only what is
 * routed counts as told. `input.prev` is not changed.
 */
export function advanceAccount(input: CycleInput): CycleResult {
  const { account, nowMs, settings, chats } = input;
  const prev = input.prev ?? emptyAccountState(account);
  const evaluation = evaluateCycle({ account, prev, outcomes: input.outcomes, risks: input.risks, settings, nowMs });
  const chatIds = chats.map((c) => c.id);
  const { forceOrders } = input;
  const next = transitionAlerts({ prev: evaluation.prior, evaluation, chatIds, nowMs, settings, forceOrders });
  const { deliveries, routed } = routeNotifications({ owed: next.owed, mutes: input.mutes, chats, nowMs });
  const { legs, health, distances, riskHealth } = evaluation;
  const alerts = recordTold(next.alerts, routed, nowMs);
  // Kept only once an account read was made, so the state of an account never read is as it was.
  const risks = latestRisks(prev.risks, evaluation.answeredRisk, evaluation.watched);
  const risk = Object.keys(riskHealth).length > 0 ? { riskHealth, risks } : {};
  return {
    state: { account, legs, health, alerts, lastCycleAt: nowMs, distances, ...risk },
    deliveries,
    resolvedKeys: next.resolvedKeys,
    basis: prev.lastCycleAt ?? 0,
  };
}
