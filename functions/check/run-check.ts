import type { PositionRequest, SourceResult } from '#binance/client.js';
import type { SourceError } from '#binance/errors.js';
import type { HostWeight } from '#binance/rest.js';
import type { Signer } from '#binance/sign.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { AccountConfig, Config } from '#config/schema.js';
import { advanceAccount, type ChatRoute, type SourceOutcome } from '#core/alerts.js';
import { type Delivery, type Digest, toAlertDelivery, toDigestDelivery } from '#core/delivery.js';
import type { Mute } from '#core/mutes.js';
import type { Position, SourceId } from '#core/position.js';
import { localMinutes } from '#core/quiet-hours.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import type { StateStore } from '#store/state-store.js';
import type { AlertQueue } from './alert-queue.js';

/** The exchange, as the check needs it (BinanceClient in production, pointed at the simulator locally). */
export interface PositionReader {
  fetchAll(requests: readonly PositionRequest[], opts?: { concurrency?: number }): Promise<SourceResult[]>;
  usedWeight(): HostWeight[];
}

/** A structured logger (Powertools Logger, or the console's shape). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface CheckDeps {
  config: Config;
  exchange: PositionReader;
  keys: KeysProvider;
  store: StateStore;
  queue: AlertQueue;
  now: () => number;
  log: Log;
  /** Who hears of alerts; by default the config's Telegram chats. */
  chats?: readonly ChatRoute[];
  /** Concurrent exchange calls; default 16. */
  concurrency?: number;
}

export interface SourceReport {
  source: SourceId;
  ok: boolean;
  ms: number;
  openPositions?: number;
  error?: string;
}

export interface AccountReport {
  account: string;
  sources: SourceReport[];
  /** `false` when another invocation moved the account forward first: its notifications stand. */
  saved: boolean;
  positions: Position[];
}

export interface CycleReport {
  at: number;
  accounts: AccountReport[];
  deliveries: Delivery[];
}

/** The chats the config names, with their settings. */
export function chatRoutes(config: Config): ChatRoute[] {
  const own = config.telegram.chats ?? [];
  return [
    ...(config.telegram.chatIds ?? []).map((id) => ({ id })),
    ...own.map((c) => ({ id: c.id, threadId: c.threadId, quietHours: c.quietHours, silent: c.silent })),
  ];
}

/**
 * One check: every source of every account read concurrently, the rules evaluated against the stored
 * state, the state written (conditionally: an overlapping run cannot send the same transition twice),
 * and each chat's notifications handed to the queue. A failing source or account never stops the others.
 */
export async function runCycle(deps: CheckDeps): Promise<CycleReport> {
  const at = deps.now();
  const chats = deps.chats ?? chatRoutes(deps.config);
  const accounts = deps.config.accounts;

  const signers = await Promise.all(accounts.map((a) => signerOrError(deps, a, false)));
  const results = await fetchSources(deps, accounts, signers);

  // A refused key may have been rotated: read the secret once more and retry with the new key.
  await Promise.all(
    accounts.map(async (account, i) => {
      const refused = results[i]!.filter((r) => !r.ok && r.error.keysRefused);
      const old = signers[i];
      if (refused.length === 0 || !account.secretId || !(old && 'apiKey' in old)) return;
      const fresh = await signerOrError(deps, account, true);
      if (!('apiKey' in fresh) || fresh.apiKey === old.apiKey) return;
      deps.log.info('retrying with rotated keys', { account: account.name });
      signers[i] = fresh;
      const again = await fetchSources(deps, [account], [fresh], new Set(refused.map((r) => r.source)));
      results[i] = results[i]!.map((r) => again[0]!.find((a) => a.source === r.source) ?? r);
    }),
  );

  const mutes = await deps.store.listMutes(at);
  const reports = await Promise.all(
    accounts.map((account, i) => advance(deps, account, results[i]!, mutes, chats, at)),
  );
  const deliveries = reports.flatMap((r) => r.deliveries);
  deliveries.push(...(await digestDeliveries(deps, reports, chats, at)));

  if (deliveries.length > 0) {
    try {
      await deps.queue.send(deliveries);
    } catch (error) {
      // Put the accounts back as they were, so the next cycle finds the same news and sends it.
      await Promise.all(reports.map((r) => r.undo?.()));
      throw error;
    }
  }
  await deps.store.saveWeight({ at, hosts: deps.exchange.usedWeight() });
  return { at, accounts: reports.map((r) => r.report), deliveries };
}

type SignerOrError = Signer | { error: SourceOutcomeError };
type SourceOutcomeError = Extract<SourceOutcome, { ok: false }>['error'];
type Outcome = SourceOutcome & { ms: number };

async function signerOrError(deps: CheckDeps, account: AccountConfig, fresh: boolean): Promise<SignerOrError> {
  try {
    return await deps.keys.signerFor(account, { fresh });
  } catch (error) {
    deps.log.error('keys unavailable', { account: account.name, error: (error as Error).message });
    return { error: { kind: 'keys', message: (error as Error).message, exchangeCode: null, keysRefused: true } };
  }
}

async function fetchSources(
  deps: CheckDeps,
  accounts: readonly AccountConfig[],
  signers: readonly SignerOrError[],
  only?: ReadonlySet<SourceId>,
): Promise<Outcome[][]> {
  const requests: PositionRequest[] = [];
  const out: Outcome[][] = accounts.map(() => []);
  const owner: number[] = [];
  accounts.forEach((account, i) => {
    const signer = signers[i]!;
    for (const source of account.sources) {
      if (only && !only.has(source)) continue;
      if ('error' in signer) {
        out[i]!.push({ source, ok: false, error: signer.error, ms: 0 });
        continue;
      }
      requests.push({ account: account.name, source, signer, endpoint: deps.config.endpoints[source] });
      owner.push(i);
    }
  });
  const results = await deps.exchange.fetchAll(requests, { concurrency: deps.concurrency ?? 16 });
  results.forEach((r, n) => {
    out[owner[n]!]!.push(
      r.ok
        ? { source: r.source, ok: true, positions: r.positions, ms: r.ms }
        : { source: r.source, ok: false, error: describe(r.error), ms: r.ms },
    );
    if (!r.ok) deps.log.warn('source failed', { account: r.account, source: r.source, error: r.error.message });
  });
  return out;
}

function describe(error: SourceError): SourceOutcomeError {
  return {
    kind: error.kind,
    message: error.message,
    exchangeCode: error.exchangeCode ?? null,
    keysRefused: error.keysRefused,
  };
}

async function advance(
  deps: CheckDeps,
  account: AccountConfig,
  outcomes: Outcome[],
  mutes: Mute[],
  chats: readonly ChatRoute[],
  at: number,
): Promise<{ report: AccountReport; deliveries: Delivery[]; undo?: () => Promise<unknown> }> {
  const sources: SourceReport[] = outcomes.map((o) =>
    o.ok
      ? { source: o.source, ok: true, ms: o.ms, openPositions: o.positions.filter((p) => p.positionAmt !== 0).length }
      : { source: o.source, ok: false, ms: o.ms, error: o.error.message },
  );
  const positions = outcomes.flatMap((o) => (o.ok ? o.positions : []));
  const { state: prev, version } = await deps.store.loadAccount(account.name);
  const result = advanceAccount({
    account: account.name,
    prev,
    outcomes,
    settings: resolveRuleSettings(deps.config.rules, account.rules),
    nowMs: at,
    mutes,
    chats,
  });
  const saved = await deps.store.saveAccount(result.state, version);
  const report = { account: account.name, sources, saved, positions };
  if (!saved) {
    deps.log.warn('another check advanced this account first; its notifications stand', { account: account.name });
    return { report, deliveries: [] };
  }
  const ended = mutes.filter((m) => m.scope === 'alert' && m.target !== null && result.resolvedKeys.includes(m.target));
  if (ended.length > 0) await deps.store.deleteMutes(ended.map((m) => m.id));
  return {
    report,
    deliveries: result.deliveries.map((c) => toAlertDelivery(account.name, at, result.basis, c)),
    undo: prev ? () => deps.store.saveAccount(prev, version + 1) : undefined,
  };
}

/** Once a day, at the configured local time, each chat hears what is open and that the checks ran. */
async function digestDeliveries(
  deps: CheckDeps,
  reports: { report: AccountReport }[],
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
  for (const { report } of reports) {
    const { state } = await deps.store.loadAccount(report.account);
    digest.accounts.push({
      account: report.account,
      lastCycleAt: state?.lastCycleAt ?? null,
      sources: Object.entries(state?.health ?? {}).map(([source, h]) => ({
        source: source as SourceId,
        failures: h.failures,
        lastOkAt: h.lastOkAt,
        openPositions: h.openPositions,
      })),
      firing: Object.values(state?.alerts ?? {}).map((a) => a.alert),
    });
  }
  return chats.map((c) => toDigestDelivery(c, slot, at, digest));
}

/**
 * Checks again every `pollSeconds` inside one invocation, until the next would not finish with
 * `marginMs` to spare before the Lambda's time runs out.
 */
export async function runCycles(
  deps: CheckDeps,
  opts: { pollSeconds: number; remainingMs: () => number; marginMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<CycleReport[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const margin = opts.marginMs ?? 10_000;
  const reports: CycleReport[] = [];
  let longest = 0;
  for (;;) {
    const started = deps.now();
    reports.push(await runCycle(deps));
    longest = Math.max(longest, deps.now() - started);
    if (opts.pollSeconds <= 0) return reports;
    const wait = Math.max(0, started + opts.pollSeconds * 1000 - deps.now());
    if (opts.remainingMs() < wait + longest + margin) return reports;
    await sleep(wait);
  }
}
