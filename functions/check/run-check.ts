import type { PositionReader } from '#accounts/ports.js';
import { type AccountRead, readAccounts } from '#accounts/read-accounts.js';
import type { KeysProvider } from '#config/keys-provider.js';
import { chatRoutes } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import type { ChatRoute } from '#core/alerts.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import type { HostBanLog } from '#store/host-bans.js';
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
  /** Where 418/429 bans are kept between runs; without it a ban lasts as long as the exchange client. */
  bans?: HostBanLog;
  /**
   * The exchange client's clock (default `Date.now`, as `BinanceClient`'s): a cycle's deadline and a
   * ban's end are times on it, which need not be `now` (a test may move `now` on its own).
   */
  exchangeClock?: () => number;
}

export interface CycleOptions {
  /**
   * Epoch ms on the exchange client's clock (`exchangeClock`) by which the exchange must have been read, so
   * that the state is saved and the news enqueued before the invocation's time runs out. A source not
   * read by then fails this cycle, saying so.
   */
  deadline?: number | undefined;
  /** Only these accounts (a watcher refreshing the ones a stream spoke of); every account by default. */
  accounts?: readonly string[] | undefined;
  /**
   * Which account pages to read beside the positions: what the rules need (default), or none (a watcher's
   * frequent reads between two whole ones: the account alerts are kept as they were until the next).
   */
  risks?: 'rules' | 'none' | undefined;
  /**
   * What was read instead of reading the exchange: a watcher's last reads with each leg's mark price
   * replaced by the latest tick (`tick-read.ts`). No digest is sent from such a cycle.
   */
  reads?: readonly AccountRead[] | undefined;
}

/**
 * One check: every source of every account read concurrently, the rules evaluated against the stored
 * state, the state written (conditionally: an overlapping run cannot send the same transition twice),
 * and each chat's notifications handed to the queue. A failing source or account never stops the others.
 */
export async function runCycle(deps: CheckDeps, opts: CycleOptions = {}): Promise<CycleReport> {
  const at = deps.now();
  const chats = deps.chats ?? chatRoutes(deps.config);
  const exchangeNow = deps.exchangeClock ?? Date.now;
  const reads = opts.reads ?? (await readExchange(deps, opts, exchangeNow));
  const mutes = await deps.store.listMutes(at);
  // Force orders of legs that closed while critical are read against the same deadline as positions.
  const advanced = await Promise.all(
    reads.map((read) => advanceStoredAccount(deps, read, { mutes, chats, at, deadline: opts.deadline })),
  );
  // Again: a force-order read may have met a ban (only bans in force are written, so this is usually free).
  await deps.bans?.saveBans(deps.exchange.bans(), exchangeNow());
  const deliveries = advanced.flatMap((a) => a.deliveries);
  const accounts = advanced.map((a) => a.report.account);
  // The day's digest covers every account: a cycle of some (a watcher's) leaves it to a whole one.
  if (!opts.reads && !opts.accounts) deliveries.push(...(await digestDeliveries(deps, accounts, chats, at)));

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
  return { at, accounts: advanced.map((a) => a.report), deliveries, reads };
}

/** The accounts in scope read from the exchange, positions and account pages, with the bans kept between runs. */
async function readExchange(deps: CheckDeps, opts: CycleOptions, exchangeNow: () => number): Promise<AccountRead[]> {
  if (deps.bans) await restoreBans(deps, deps.bans, exchangeNow());
  const only = opts.accounts;
  const accounts = only ? deps.config.accounts.filter((a) => only.includes(a.name)) : deps.config.accounts;
  const reads = await readAccounts({ ...deps, deadline: opts.deadline }, accounts, { risks: opts.risks ?? 'rules' });
  await deps.bans?.saveBans(deps.exchange.bans(), exchangeNow());
  return reads;
}

/** A host banned in an earlier run stays uncalled until its ban ends; a stored ban that is unusable is reported, not fatal. */
async function restoreBans(deps: CheckDeps, bans: HostBanLog, nowMs: number): Promise<void> {
  try {
    deps.exchange.restoreBans(await bans.loadBans(nowMs));
  } catch (error) {
    deps.log.error('stored host bans could not be restored', { error: messageOf(error) });
  }
}
