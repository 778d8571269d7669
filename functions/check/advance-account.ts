import type { AccountRead, ReadDeps } from '#accounts/read-accounts.js';
import { readForceOrderEvidence } from '#accounts/read-force-orders.js';
import { accountRuleSettings } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import { type Delivery, toAlertDelivery } from '#contracts/queue-message.js';
import { advanceAccount, type ChatRoute, legsClosedWhileCritical } from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import type { Log } from '#shared/log.js';
import type { AccountStates, MuteStore } from '#store/state-store.js';
import type { AccountReport, SourceReport } from './reports.js';

/** One account moved forward: what to report, what to send, and how to put it back if sending fails. */
export interface Advanced {
  report: AccountReport;
  deliveries: Delivery[];
  undo?: (() => Promise<unknown>) | undefined;
}

/**
 * Moves one account forward by this cycle's read: the rules against its stored state, the next state
 * written conditionally (an overlapping run cannot send the same transition twice), and the "until
 * resolved" mutes of alerts that resolved lifted. Legs that closed while critical have their source's
 * force orders read first, so that a liquidation is told as one (`legsClosedWhileCritical`).
 */
export async function advanceStoredAccount(
  deps: Pick<ReadDeps, 'exchange' | 'keys'> & {
    config: Config;
    store: AccountStates & Pick<MuteStore, 'deleteMutes'>;
    log: Log;
  },
  read: AccountRead,
  ctx: { mutes: readonly Mute[]; chats: readonly ChatRoute[]; at: number; deadline?: number | undefined },
): Promise<Advanced> {
  const name = read.account.name;
  const sources: SourceReport[] = read.outcomes.map((o) =>
    o.ok
      ? { source: o.source, ok: true, ms: o.ms, openPositions: o.positions.filter((p) => p.positionAmt !== 0).length }
      : { source: o.source, ok: false, ms: o.ms, error: o.error.message },
  );
  const positions = read.outcomes.flatMap((o) => (o.ok ? o.positions : []));
  const { state: prev, version } = await deps.store.loadAccount(name);
  const closed = legsClosedWhileCritical(prev, read.outcomes);
  const forceOrders =
    closed.length === 0
      ? undefined
      : await readForceOrderEvidence({ ...deps, deadline: ctx.deadline }, read.account, closed);
  const result = advanceAccount({
    account: name,
    prev,
    outcomes: read.outcomes,
    risks: read.risks,
    settings: accountRuleSettings(deps.config, name),
    nowMs: ctx.at,
    mutes: ctx.mutes,
    chats: ctx.chats,
    forceOrders,
  });
  const saved = await deps.store.saveAccount(result.state, version);
  const report = { account: name, sources, saved, positions };
  if (!saved) {
    deps.log.warn('another check advanced this account first; its notifications stand', { account: name });
    return { report, deliveries: [] };
  }
  const ended = ctx.mutes.filter(
    (m) => m.scope === 'alert' && m.target !== null && result.resolvedKeys.includes(m.target),
  );
  if (ended.length > 0) await deps.store.deleteMutes(ended.map((m) => m.id));
  return {
    report,
    deliveries: result.deliveries.map((c) => toAlertDelivery(name, ctx.at, result.basis, c)),
    undo: prev ? () => deps.store.saveAccount(prev, version + 1) : undefined,
  };
}
