import { accountRuleSettings } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import { type Delivery, toDigestDelivery } from '#contracts/queue-message.js';
import type { ChatRoute } from '#core/alerts.js';
import type { Digest } from '#core/digest.js';
import { stateRiskLines } from '#core/format/risk-view.js';
import type { SourceId } from '#core/position.js';
import { localMinutes } from '#core/quiet-hours.js';
import type { AccountStates, OnceClaims } from '#store/state-store.js';

/**
 * Once a day, at the configured local time, each chat hears what is open, each account's margin numbers
 * as last read (judged by its own thresholds, the lines rendered here) and that the checks ran. The
 * day's slot is claimed in the store, so of two overlapping checks only one sends it.
 */
export async function digestDeliveries(
  deps: { config: Config; store: AccountStates & Pick<OnceClaims, 'claimDigest'> },
  accounts: readonly string[],
  chats: readonly ChatRoute[],
  at: number,
): Promise<Delivery[]> {
  const d = deps.config.telegram.digest;
  if (d?.enabled === false || chats.length === 0) return [];
  const timeZone = d?.timeZone ?? 'UTC';
  const [h, m] = (d?.at ?? '08:00').split(':').map(Number);
  if (localMinutes(at, timeZone) < (h ?? 8) * 60 + (m ?? 0)) return [];
  const slot = new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);
  if (!(await deps.store.claimDigest(slot, at))) return [];
  const digest: Digest = { accounts: [] };
  for (const account of accounts) {
    const { state } = await deps.store.loadAccount(account);
    digest.accounts.push({
      account,
      lastCycleAt: state?.lastCycleAt ?? null,
      sources: Object.entries(state?.health ?? {}).map(([source, h]) => ({
        source: source as SourceId,
        failures: h.failures,
        lastOkAt: h.lastOkAt,
        openPositions: h.openPositions,
      })),
      firing: Object.values(state?.alerts ?? {}).map((a) => ({ ...a.alert, rung: a.rung ?? null, ack: a.ack ?? null })),
      risks: stateRiskLines(state, accountRuleSettings(deps.config, account)),
    });
  }
  return chats.map((c) => toDigestDelivery(c, slot, at, digest));
}
