import type { RiskRequest, RiskResult } from '#binance/account-risk.js';
import type { PositionRequest } from '#binance/client.js';
import type { SourceError } from '#binance/errors.js';
import type { Signer } from '#binance/sign.js';
import type { PositionFilter } from '#binance/sources/index.js';
import type { KeysProvider } from '#config/keys-provider.js';
import { accountRuleSettings } from '#config/routes.js';
import type { AccountConfig, Config } from '#config/schema.js';
import type { RiskOutcome } from '#core/account-risk.js';
import type { SourceOutcome } from '#core/alerts.js';
import type { SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import type { PositionReader } from './ports.js';
import { type RiskScope, riskParts } from './risk-plan.js';

/** One source's result, with how long the read took. Never holds a secret. */
export type Outcome = SourceOutcome & { ms: number };

/** One source's account read (margin numbers, ADL quantiles), with how long it took. Never holds a secret. */
export type RiskRead = RiskOutcome & { ms: number };

/** What was read of one account: one outcome per source asked for, and one per account read made. */
export interface AccountRead {
  account: AccountConfig;
  outcomes: Outcome[];
  risks: RiskRead[];
}

export interface ReadDeps {
  config: Config;
  exchange: PositionReader;
  keys: KeysProvider;
  log?: Log | undefined;
  /** Exchange calls in flight at once; default 16. */
  concurrency?: number | undefined;
  /** Epoch ms on the exchange client's clock after which no call starts; what is unread by then fails. */
  deadline?: number | undefined;
}

/** Which sources to read, and what to ask each for. */
export interface ReadScope {
  sources?: ((source: SourceId) => boolean) | undefined;
  filter?: PositionFilter | undefined;
  /** Which account reads to make beside the positions (`risk-plan.ts`); none when absent. */
  risks?: RiskScope | undefined;
}

type OutcomeError = Extract<SourceOutcome, { ok: false }>['error'];

/** One account on its way through a read. */
interface Reading {
  account: AccountConfig;
  signer: Signer | { error: OutcomeError };
  outcomes: Outcome[];
  risks: RiskRead[];
}

/**
 * Reads every source of each account concurrently, each settled on its own: a failing source or account
 * never stops the others, and an account read (margin numbers, ADL) that fails never blinds the position
 * read of the same source, nor the other way round. An account whose keys the exchange refused and which
 * keeps them in Secrets Manager reads its secret once more (the key may have been rotated) and retries the
 * refused reads with the new key. The check, `/positions` and `liqwatch positions` all read through here.
 */
export async function readAccounts(
  deps: ReadDeps,
  accounts: readonly AccountConfig[],
  scope: ReadScope = {},
): Promise<AccountRead[]> {
  const readings: Reading[] = await Promise.all(
    accounts.map(async (account) => ({
      account,
      signer: await signerOrError(deps, account, false),
      outcomes: [],
      risks: [],
    })),
  );
  await fetchInto(deps, readings, scope);
  await retryRotatedKeys(deps, readings, scope);
  return readings.map(({ account, outcomes, risks }) => ({ account, outcomes, risks }));
}

/**
 * A refused key may have been rotated: the secret of each account with a refused read is read again, past
 * the cache, all at once (accounts that share a secret share that read: one GetSecretValue per secret),
 * and only the accounts whose key changed retry their refused reads, with the new key.
 */
async function retryRotatedKeys(deps: ReadDeps, readings: readonly Reading[], scope: ReadScope): Promise<void> {
  const refused = readings.filter(
    (r) => r.account.secretId && !('error' in r.signer) && [...r.outcomes, ...r.risks].some(keysRefused),
  );
  const renewed = await Promise.all(
    refused.map(async (reading) => ({ reading, fresh: await signerOrError(deps, reading.account, true) })),
  );
  const rotated = renewed.flatMap(({ reading, fresh }) =>
    'error' in fresh || ('apiKey' in reading.signer && fresh.apiKey === reading.signer.apiKey)
      ? []
      : [{ reading, fresh }],
  );
  await Promise.all(rotated.map(({ reading, fresh }) => retryWith(deps, reading, fresh, scope)));
}

const keysRefused = (o: Outcome | RiskRead) => !o.ok && o.error.keysRefused;

/** Reads the account's refused sources again with its rotated keys, in place of what they answered. */
async function retryWith(deps: ReadDeps, reading: Reading, fresh: Signer, scope: ReadScope): Promise<void> {
  deps.log?.info('retrying with rotated keys', { account: reading.account.name });
  const again: Reading = { account: reading.account, signer: fresh, outcomes: [], risks: [] };
  const only = new Set([...reading.outcomes, ...reading.risks].filter(keysRefused).map((o) => o.source));
  await fetchInto(deps, [again], { ...scope, sources: (s) => only.has(s) });
  reading.signer = fresh;
  const retried = <T extends { source: SourceId }>(mine: T[], theirs: T[]) =>
    mine.map((o) => (only.has(o.source) ? (theirs.find((a) => a.source === o.source) ?? o) : o));
  reading.outcomes = retried(reading.outcomes, again.outcomes);
  reading.risks = retried(reading.risks, again.risks);
}

async function signerOrError(deps: ReadDeps, account: AccountConfig, fresh: boolean): Promise<Reading['signer']> {
  try {
    return await deps.keys.signerFor(account, { fresh });
  } catch (error) {
    const message = messageOf(error);
    deps.log?.error('keys unavailable', { account: account.name, error: message });
    return { error: { kind: 'keys', message, exchangeCode: null, keysRefused: true } };
  }
}

/**
 * Reads the sources in scope of each account and appends their outcomes to it, in the config's order: the
 * positions and the account reads concurrently, each settled on its own.
 */
async function fetchInto(deps: ReadDeps, readings: readonly Reading[], scope: ReadScope): Promise<void> {
  const calls: { reading: Reading; request: PositionRequest }[] = [];
  const riskCalls: { reading: Reading; request: RiskRequest }[] = [];
  for (const reading of readings) {
    const { account, signer } = reading;
    const sources = account.sources.filter((source) => !scope.sources || scope.sources(source));
    const risky = riskParts(sources, accountRuleSettings(deps.config, account.name), scope.risks ?? 'none');
    if ('error' in signer) {
      for (const source of sources) reading.outcomes.push({ source, ok: false, error: signer.error, ms: 0 });
      for (const { source } of risky) reading.risks.push({ source, ok: false, error: signer.error, ms: 0 });
      continue;
    }
    for (const source of sources) {
      const endpoint = deps.config.endpoints[source];
      calls.push({ reading, request: { account: account.name, source, signer, endpoint, filter: scope.filter } });
    }
    for (const { source, parts } of risky) {
      const endpoint = deps.config.endpoints[source];
      riskCalls.push({ reading, request: { account: account.name, source, signer, endpoint, parts } });
    }
  }
  const opts = { concurrency: deps.concurrency ?? 16, deadline: deps.deadline };
  const [results, riskResults] = await Promise.all([
    deps.exchange.fetchAll(
      calls.map((c) => c.request),
      opts,
    ),
    riskCalls.length === 0
      ? []
      : deps.exchange.fetchRisks(
          riskCalls.map((c) => c.request),
          opts,
        ),
  ]);
  results.forEach((r, n) => {
    const { reading } = calls[n]!;
    if (r.ok) {
      reading.outcomes.push({ source: r.source, ok: true, positions: r.positions, ms: r.ms });
      return;
    }
    deps.log?.warn('source failed', { account: r.account, source: r.source, error: r.error.message });
    reading.outcomes.push({ source: r.source, ok: false, error: describe(r.error), ms: r.ms });
  });
  riskResults.forEach((r: RiskResult, n) => {
    const { reading } = riskCalls[n]!;
    if (r.ok) {
      reading.risks.push({ source: r.source, ok: true, risks: r.risks, adl: r.adl, ms: r.ms });
      return;
    }
    deps.log?.warn('account read failed', { account: r.account, source: r.source, error: r.error.message });
    reading.risks.push({ source: r.source, ok: false, error: describe(r.error), ms: r.ms });
  });
}

function describe(error: SourceError): OutcomeError {
  return {
    kind: error.kind,
    message: error.message,
    exchangeCode: error.exchangeCode ?? null,
    keysRefused: error.keysRefused,
  };
}

/** The failures of a read as lines for a person, each once (a keys failure fails every source alike). */
export function failureLines(reads: readonly AccountRead[]): string[] {
  const failed = (o: Outcome | RiskRead) => (o.ok ? [] : [o.error.message]);
  return [...new Set(reads.flatMap((r) => [...r.outcomes.flatMap(failed), ...r.risks.flatMap(failed)]))];
}
