import type { SourceId } from './position.js';
import { type RuleSettings, type RulesInput, resolveRuleSettings } from './rules/settings.js';

/*
 * How much request weight a config spends in its busiest minute, per host family, against the share of
 * the exchange's limit it may use, and so how many accounts like its own it can hold at its cadence. Said
 * at `cdk synth` (which refuses a config over its share) and in `/status`.
 */

/** The hosts that count weight apart: USDⓈ-M with its WebSocket API, COIN-M, Portfolio Margin. */
export const HOST_FAMILIES = ['fapi', 'dapi', 'papi'] as const;
export type HostFamily = (typeof HOST_FAMILIES)[number];
export type FamilyWeights = Record<HostFamily, number>;

/**
 * The request weight an IP may use per minute on each family ("IP limits":
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info); 418 bans follow 429s.
 */
export const WEIGHT_LIMIT_PER_MINUTE = 2_400;

/** `schedule.weightShare` when the config says nothing: half the limit, room for a retry storm. */
export const DEFAULT_WEIGHT_SHARE = 0.5;

/**
 * What each read costs, as the client's source modules and account pages (`functions/binance/sources/*`,
 * `account-risk.ts`) cite the exchange's pages; test/core/weight-capacity.test.ts holds the two equal. The
 * WebSocket API counts in fapi's meter, and `usdm-ws` reads its ADL quantiles on fapi's REST host.
 */
export const READ_WEIGHTS: Record<SourceId, { family: HostFamily; positions: number; account: number; adl: number }> = {
  usdm: { family: 'fapi', positions: 5, account: 5, adl: 5 },
  'usdm-ws': { family: 'fapi', positions: 5, account: 5, adl: 5 },
  coinm: { family: 'dapi', positions: 1, account: 5, adl: 5 },
  'pm-um': { family: 'papi', positions: 5, account: 20, adl: 5 },
  'pm-cm': { family: 'papi', positions: 1, account: 20, adl: 5 },
};

const CROSS: readonly SourceId[] = ['usdm', 'usdm-ws', 'coinm'];

/** The parts of a config the weight depends on (the config file's own shape fits it). */
export interface CapacityConfig {
  accounts: readonly { sources: readonly SourceId[]; rules?: RulesInput | undefined }[];
  rules?: RulesInput | undefined;
  schedule: {
    everyMinutes?: number | undefined;
    pollSeconds?: number | undefined;
    weightShare?: number | undefined;
  };
  watch: { mode: 'adaptive' | 'always' | 'off'; rereadSeconds: number };
}

export interface WeightCapacity {
  /** One check of every account: positions and the account reads its rules need. */
  perCheck: FamilyWeights;
  /** Checks in the busiest minute when nothing is near danger (`schedule.pollSeconds`). */
  checksPerMinute: number;
  /** Every account's weight in that minute. */
  calmMinute: FamilyWeights;
  /** A minute of a watching invocation (`watch.mode` not `off`); null when the check never watches. */
  watchMinute: FamilyWeights | null;
  /** Each family's busiest minute, calm or watching, and whether watching made it so. */
  busiest: FamilyWeights;
  busiestWhileWatching: boolean;
  /** The family nearest its budget. */
  binding: HostFamily;
  /** The weight a family may use a minute: the limit times the share. */
  budget: number;
  limit: number;
  share: number;
  /** The binding family's busiest minute, in % of the budget (over 100: more than the config may use). */
  usedPct: number;
  /** Accounts like the configured ones (on average) the budget holds at this cadence. */
  holds: number;
  configured: number;
  rereadSeconds: number;
}

const zero = (): FamilyWeights => ({ fapi: 0, dapi: 0, papi: 0 });

type AccountReadRules = Pick<RuleSettings, 'marginRatio' | 'uniMmr' | 'accountStatus' | 'adlRisk'>;

/**
 * The weight of one account's reads in one check, as `functions/accounts/risk-plan.ts` plans them with
 * the rules' scope: each source's positions; its account page where a rule judges it (cross margin ratio,
 * or uniMMR / status), Portfolio Margin's page once, on `pm-um` when watched; the ADL page where `adl-risk`
 * is on, USDⓈ-M's once, on `usdm` when watched. Force orders (read only when a critical leg closes) and the
 * clock probes (one a host every 15 minutes) are left out: they are rare, not per check.
 */
export function checkWeight(sources: readonly SourceId[], settings: AccountReadRules): FamilyWeights {
  const watched = new Set(sources);
  const w = zero();
  for (const source of sources) {
    const cost = READ_WEIGHTS[source];
    w[cost.family] += cost.positions;
    const numbers = CROSS.includes(source)
      ? settings.marginRatio.enabled
      : !(source === 'pm-cm' && watched.has('pm-um')) && (settings.uniMmr.enabled || settings.accountStatus.enabled);
    if (numbers) w[cost.family] += cost.account;
    if (settings.adlRisk.enabled && !(source === 'usdm-ws' && watched.has('usdm'))) w[cost.family] += cost.adl;
  }
  return w;
}

/** The weight of reading the accounts' positions alone, as a watcher does between its whole reads. */
function positionsWeight(sources: readonly SourceId[]): FamilyWeights {
  const w = zero();
  for (const s of sources) w[READ_WEIGHTS[s].family] += READ_WEIGHTS[s].positions;
  return w;
}

const add = (a: FamilyWeights, b: FamilyWeights, times = 1): FamilyWeights => ({
  fapi: a.fapi + b.fapi * times,
  dapi: a.dapi + b.dapi * times,
  papi: a.papi + b.papi * times,
});

/**
 * The config's busiest minute per family and how many accounts like its own fit in its share of the
 * limit. Calm, a minute holds `ceil(60 / pollSeconds)` checks (one without polling: an invocation every
 * `everyMinutes` puts all its weight in one minute, so a longer schedule does not lower the peak). A
 * watching invocation (`watch.mode` `always`, or `adaptive` once one leg is in its warning band, which
 * re-reads every account) stops polling and spends its check, the watcher's first refresh (a whole read
 * too) and a positions read every `watch.rereadSeconds` for the rest of the minute (`check/watch.ts`).
 */
export function weightCapacity(config: CapacityConfig): WeightCapacity {
  const share = config.schedule.weightShare ?? DEFAULT_WEIGHT_SHARE;
  const poll = config.schedule.pollSeconds ?? 0;
  const reread = config.watch.rereadSeconds;
  let perCheck = zero();
  let positions = zero();
  for (const a of config.accounts) {
    perCheck = add(perCheck, checkWeight(a.sources, resolveRuleSettings(config.rules, a.rules)));
    positions = add(positions, positionsWeight(a.sources));
  }
  const checksPerMinute = poll > 0 ? Math.ceil(60 / poll) : 1;
  const calmMinute = add(zero(), perCheck, checksPerMinute);
  const watchMinute =
    config.watch.mode === 'off' ? null : add(add(perCheck, perCheck), positions, Math.ceil(60 / reread) - 1);
  const busiest = watchMinute
    ? {
        fapi: Math.max(calmMinute.fapi, watchMinute.fapi),
        dapi: Math.max(calmMinute.dapi, watchMinute.dapi),
        papi: Math.max(calmMinute.papi, watchMinute.papi),
      }
    : calmMinute;
  const binding = HOST_FAMILIES.reduce((a, b) => (busiest[b] > busiest[a] ? b : a));
  const budget = Math.floor(WEIGHT_LIMIT_PER_MINUTE * share);
  const configured = config.accounts.length;
  const peak = busiest[binding];
  return {
    perCheck,
    checksPerMinute,
    calmMinute,
    watchMinute,
    busiest,
    busiestWhileWatching: watchMinute !== null && watchMinute[binding] > calmMinute[binding],
    binding,
    budget,
    limit: WEIGHT_LIMIT_PER_MINUTE,
    share,
    usedPct: (peak / budget) * 100,
    holds: peak === 0 ? Number.POSITIVE_INFINITY : Math.floor((configured * budget) / peak),
    configured,
    rereadSeconds: reread,
  };
}
