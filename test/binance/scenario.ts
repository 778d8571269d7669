import { generateKeyPairSync } from 'node:crypto';
import { BinanceClient, type BinanceClientOptions, type PositionRequest } from '#binance/client.js';
import { SourceError } from '#binance/errors.js';
import { Signer } from '#binance/sign.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import {
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
  type SimAccount,
  type SimPosition,
  startExchangeSimulator,
} from '#local/exchange-simulator/index.js';

/*
 * Accounts and legs shared by the exchange-client and CLI tests. The keys are made up for the tests;
 * each secret is long and distinctive so a test can search any output for it.
 */

export const ALL_SOURCES = SOURCE_IDS;

/** The COIN-M sources: `marginAsset`/`pair` filters at the exchange, `symbol` filtered by the client. */
export const COIN_SOURCES = ['coinm', 'pm-cm'] as const satisfies readonly SourceId[];
export const UM_SOURCES = ['usdm', 'usdm-ws', 'pm-um'] as const satisfies readonly SourceId[];

export function isCoinSource(source: SourceId): boolean {
  return (COIN_SOURCES as readonly SourceId[]).includes(source);
}

/** One-way USDⓈ-M book: a long, a short, and a long too small to have a liquidation price ("0"). */
export const UM_ONE_WAY: SimPosition[] = [
  { symbol: 'BTCUSDT', positionAmt: 0.5, entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 48_800, leverage: 5 },
  { symbol: 'ETHUSDT', positionAmt: -2, entryPrice: 3_000, markPrice: 3_100, liquidationPrice: 3_255, leverage: 20 },
  { symbol: 'SOLUSDT', positionAmt: 10, entryPrice: 140, markPrice: 145, leverage: 2 },
];

/** Hedge-mode USDⓈ-M book: both legs of BTCUSDT open (20 % and 10 % from liquidation), only the short leg of ETHUSDT. */
export const UM_HEDGE: SimPosition[] = [
  {
    symbol: 'BTCUSDT',
    positionSide: 'LONG',
    positionAmt: 0.5,
    entryPrice: 60_000,
    markPrice: 61_000,
    liquidationPrice: 48_800,
    leverage: 5,
  },
  {
    symbol: 'BTCUSDT',
    positionSide: 'SHORT',
    positionAmt: -0.2,
    entryPrice: 62_000,
    markPrice: 61_000,
    liquidationPrice: 67_100,
    leverage: 5,
  },
  {
    symbol: 'ETHUSDT',
    positionSide: 'SHORT',
    positionAmt: -2,
    entryPrice: 3_000,
    markPrice: 3_100,
    liquidationPrice: 3_255,
    leverage: 20,
  },
];

/** One-way COIN-M book: two BTC-margined contracts (perpetual and quarterly) and an ETH one. */
export const CM_ONE_WAY: SimPosition[] = [
  { symbol: 'BTCUSD_PERP', positionAmt: 3, entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 45_000 },
  { symbol: 'BTCUSD_250627', positionAmt: 1, entryPrice: 62_000, markPrice: 62_500, liquidationPrice: 47_000 },
  { symbol: 'ETHUSD_PERP', positionAmt: -10, entryPrice: 3_000, markPrice: 3_100, liquidationPrice: 3_600 },
];

/** Hedge-mode COIN-M book. */
export const CM_HEDGE: SimPosition[] = [
  {
    symbol: 'BTCUSD_PERP',
    positionSide: 'LONG',
    positionAmt: 3,
    entryPrice: 60_000,
    markPrice: 61_000,
    liquidationPrice: 45_000,
  },
  {
    symbol: 'BTCUSD_PERP',
    positionSide: 'SHORT',
    positionAmt: -1,
    entryPrice: 61_500,
    markPrice: 61_000,
    liquidationPrice: 80_000,
  },
  {
    symbol: 'ETHUSD_PERP',
    positionSide: 'SHORT',
    positionAmt: -10,
    entryPrice: 3_000,
    markPrice: 3_100,
    liquidationPrice: 3_600,
  },
];

/** Every source of an account, from a USDⓈ-M book and a COIN-M book. */
export function book(um: SimPosition[], cm: SimPosition[]): SimAccount['positions'] {
  return { usdm: um, 'usdm-ws': um, 'pm-um': um, coinm: cm, 'pm-cm': cm };
}

export interface TestKeys {
  /** What the simulator registers. */
  sim: Pick<SimAccount, 'apiKey' | 'apiSecret' | 'publicKeyPem'>;
  /** What the account's keys file or secret holds. */
  keys: { apiKey: string; apiSecret: string } | { apiKey: string; privateKey: string };
  /** The part that must never be shown. */
  secret: string;
}

export function hmacKeys(name: string): TestKeys {
  const apiKey = `key-${name}-${'k'.repeat(24)}`;
  const apiSecret = `hmac-secret-of-${name}-${'s'.repeat(32)}`;
  return { sim: { apiKey, apiSecret }, keys: { apiKey, apiSecret }, secret: apiSecret };
}

export function asymmetricKeys(name: string, type: 'ed25519' | 'rsa'): TestKeys {
  const pair =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const apiKey = `key-${name}-${'k'.repeat(24)}`;
  return { sim: { apiKey, publicKeyPem }, keys: { apiKey, privateKey }, secret: privateKey };
}

export function signerOf(keys: TestKeys, account: string): Signer {
  return Signer.fromKeys(keys.keys, account);
}

/** The simulator's URL for a source: its WebSocket API for `usdm-ws`, its REST base for the rest. */
export function endpointOf(sim: Pick<ExchangeSimulator, 'url' | 'wsUrl'>, source: SourceId): string {
  return source === 'usdm-ws' ? sim.wsUrl : sim.url;
}

export function requestFor(
  sim: Pick<ExchangeSimulator, 'url' | 'wsUrl'>,
  account: string,
  source: SourceId,
  signer: Signer,
  extra: Partial<PositionRequest> = {},
): PositionRequest {
  return { account, source, signer, endpoint: endpointOf(sim, source), ...extra };
}

/** The requests the simulator logged for one source since `from`. */
export function logOf(sim: ExchangeSimulator, source: SourceId | 'time', from = 0) {
  return sim.requests.slice(from).filter((r) => r.source === source);
}

/** A leg as a short line, for comparing what came back with what was expected. */
export function leg(p: { symbol: string; positionSide: string; positionAmt: number }): string {
  return `${p.symbol} ${p.positionSide} ${p.positionAmt}`;
}

/** Waits until `check` holds, or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 2_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Short timeouts and backoff so every failure path runs in milliseconds. */
export const FAST: BinanceClientOptions = { timeoutMs: 1_000, backoffMs: 5, keepAliveTimeoutMs: 1_000 };

/** Runs `run` with a new client, closed afterwards whatever happens. */
export async function withClient<T>(
  opts: BinanceClientOptions,
  run: (client: BinanceClient) => Promise<T>,
): Promise<T> {
  const client = new BinanceClient(opts);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** The `SourceError` a call fails with; anything else fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw new Error(`expected a SourceError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail');
}

/** A simulator account with the keys' public half. */
export function account(name: string, keys: { sim: Partial<SimAccount> }, extra: Partial<SimAccount> = {}): SimAccount {
  return { name, apiKey: '', positions: {}, ...keys.sim, ...extra } as SimAccount;
}

/** A simulator with one HMAC account holding the one-way books, and that account's request for a source. */
export interface SoloAccount {
  sim: ExchangeSimulator;
  keys: TestKeys;
  request(source: SourceId): PositionRequest;
}

/** Starts a `SoloAccount`; close its `sim` when done. */
export async function soloAccount(name: string, opts: Partial<ExchangeSimulatorOptions> = {}): Promise<SoloAccount> {
  const keys = hmacKeys(name);
  const sim = await startExchangeSimulator({
    ...opts,
    accounts: [account(name, keys, { positions: book(UM_ONE_WAY, CM_ONE_WAY) })],
  });
  return { sim, keys, request: (source: SourceId) => requestFor(sim, name, source, signerOf(keys, name)) };
}
