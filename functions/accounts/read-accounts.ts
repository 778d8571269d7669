import type { PositionRequest } from '#binance/client.js';
import type { SourceError } from '#binance/errors.js';
import type { Signer } from '#binance/sign.js';
import type { PositionFilter } from '#binance/sources/index.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { AccountConfig, Config } from '#config/schema.js';
import type { SourceOutcome } from '#core/alerts.js';
import type { SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import type { PositionReader } from './ports.js';

/** One source's result, with how long the read took. Never holds a secret. */
export type Outcome = SourceOutcome & { ms: number };

/** What was read of one account: one outcome per source asked for. */
export interface AccountRead {
  account: AccountConfig;
  outcomes: Outcome[];
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
}

type OutcomeError = Extract<SourceOutcome, { ok: false }>['error'];

/** One account on its way through a read. */
interface Reading {
  account: AccountConfig;
  signer: Signer | { error: OutcomeError };
  outcomes: Outcome[];
}

/**
 * Reads every source of each account concurrently, each settled on its own: a failing source or account
 * never stops the others. An account whose keys the exchange refused and which keeps them in Secrets
 * Manager reads its secret once more (the key may have been rotated) and retries the refused sources
 * with the new key. The check, `/positions` and `liqwatch positions` all read through here.
 */
export async function readAccounts(
  deps: ReadDeps,
  accounts: readonly AccountConfig[],
  scope: ReadScope = {},
): Promise<AccountRead[]> {
  const readings: Reading[] = await Promise.all(
    accounts.map(async (account) => ({ account, signer: await signerOrError(deps, account, false), outcomes: [] })),
  );
  await fetchInto(deps, readings, scope);
  await Promise.all(readings.map((reading) => retryRotatedKeys(deps, reading, scope)));
  return readings.map(({ account, outcomes }) => ({ account, outcomes }));
}

/** A refused key may have been rotated: read the secret again and, if the key changed, retry with it. */
async function retryRotatedKeys(deps: ReadDeps, reading: Reading, scope: ReadScope): Promise<void> {
  const refused = reading.outcomes.filter((o) => !o.ok && o.error.keysRefused);
  const old = reading.signer;
  if (refused.length === 0 || !reading.account.secretId || 'error' in old) return;
  const fresh = await signerOrError(deps, reading.account, true);
  if ('error' in fresh || fresh.apiKey === old.apiKey) return;
  deps.log?.info('retrying with rotated keys', { account: reading.account.name });
  const again: Reading = { account: reading.account, signer: fresh, outcomes: [] };
  const only = new Set(refused.map((o) => o.source));
  await fetchInto(deps, [again], { ...scope, sources: (s) => only.has(s) });
  reading.signer = fresh;
  reading.outcomes = reading.outcomes.map((o) => again.outcomes.find((a) => a.source === o.source) ?? o);
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

/** Reads the sources in scope of each account and appends their outcomes to it, in the config's order. */
async function fetchInto(deps: ReadDeps, readings: readonly Reading[], scope: ReadScope): Promise<void> {
  const calls: { reading: Reading; request: PositionRequest }[] = [];
  for (const reading of readings) {
    const { account, signer } = reading;
    for (const source of account.sources) {
      if (scope.sources && !scope.sources(source)) continue;
      if ('error' in signer) {
        reading.outcomes.push({ source, ok: false, error: signer.error, ms: 0 });
        continue;
      }
      const endpoint = deps.config.endpoints[source];
      calls.push({ reading, request: { account: account.name, source, signer, endpoint, filter: scope.filter } });
    }
  }
  const results = await deps.exchange.fetchAll(
    calls.map((c) => c.request),
    { concurrency: deps.concurrency ?? 16, deadline: deps.deadline },
  );
  results.forEach((r, n) => {
    const { reading } = calls[n]!;
    if (r.ok) {
      reading.outcomes.push({ source: r.source, ok: true, positions: r.positions, ms: r.ms });
      return;
    }
    deps.log?.warn('source failed', { account: r.account, source: r.source, error: r.error.message });
    reading.outcomes.push({ source: r.source, ok: false, error: describe(r.error), ms: r.ms });
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
  return [...new Set(reads.flatMap((r) => r.outcomes.flatMap((o) => (o.ok ? [] : [o.error.message]))))];
}
