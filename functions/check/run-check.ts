import type { PositionReader } from '#accounts/ports.js';
import { readAccounts } from '#accounts/read-accounts.js';
import type { KeysProvider } from '#config/keys-provider.js';
import { chatRoutes } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import type { ChatRoute } from '#core/alerts.js';
import type { Log } from '#shared/log.js';
import type { AccountStates, MuteStore, OnceClaims, WeightLog } from '#store/state-store.js';
import { advanceStoredAccount } from './advance-account.js';
import type { AlertQueue } from './alert-queue.js';
import { digestDeliveries } from './digest.js';
import type { CycleReport } from './reports.js';

export type { AccountReport, CycleReport, SourceReport } from './reports.js';

export interface CheckDeps {
  config: Config;
  exchange: PositionReader;
  keys: KeysProvider;
  store: AccountStates & MuteStore & OnceClaims & WeightLog;
  queue: AlertQueue;
  now: () => number;
  log: Log;
  /** Who hears of alerts; by default the config's Telegram chats. */
  chats?: readonly ChatRoute[];
  /** Concurrent exchange calls; default 16. */
  concurrency?: number;
}

/**
 * One check: every source of every account read concurrently, the rules evaluated against the stored
 * state, the state written (conditionally: an overlapping run cannot send the same transition twice),
 * and each chat's notifications handed to the queue. A failing source or account never stops the others.
 */
export async function runCycle(deps: CheckDeps): Promise<CycleReport> {
  const at = deps.now();
  const chats = deps.chats ?? chatRoutes(deps.config);
  const reads = await readAccounts(deps, deps.config.accounts);
  const mutes = await deps.store.listMutes(at);
  const advanced = await Promise.all(reads.map((read) => advanceStoredAccount(deps, read, { mutes, chats, at })));
  const deliveries = advanced.flatMap((a) => a.deliveries);
  const accounts = advanced.map((a) => a.report.account);
  deliveries.push(...(await digestDeliveries(deps, accounts, chats, at)));

  if (deliveries.length > 0) {
    try {
      await deps.queue.send(deliveries);
    } catch (error) {
      // Put the accounts back as they were, so the next cycle finds the same news and sends it.
      await Promise.all(advanced.map((a) => a.undo?.()));
      throw error;
    }
  }
  await deps.store.saveWeight({ at, hosts: deps.exchange.usedWeight() });
  return { at, accounts: advanced.map((a) => a.report), deliveries };
}
