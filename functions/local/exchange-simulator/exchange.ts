import { renderAccountPage } from './account-risk.js';
import { renderAdlRows } from './adl.js';
import { checkApiKey, checkSignature, checkTimestamp, type SignatureCheck, signatureCheckFor } from './auth.js';
import type { ExchangeError } from './errors.js';
import { FaultBook } from './faults.js';
import { applyFilters } from './filters.js';
import {
  closedLeg,
  type ForceOrderBook,
  forceOrderBookOf,
  forceOrderOf,
  renderForceOrder,
  type SimForceOrder,
  selectForceOrders,
} from './force-orders.js';
import { RiskSettings } from './risk-settings.js';
import { riskViewOf } from './risk-view.js';
import { legsFor, listedSideOf, renderRow } from './rows.js';
import { parsePositions } from './scenario.js';
import type { SimAccount, SimAccountStatus, SimLiquidation, SimPosition, SimPositionSide, SourceId } from './types.js';
import { type HostFamily, WeightMeter } from './weight.js';

/** Where each source lives and what one call costs (seeds README table). */
export const SOURCE_SPECS: Record<SourceId, { family: HostFamily; weight: number }> = {
  usdm: { family: 'fapi', weight: 5 },
  'usdm-ws': { family: 'fapi', weight: 5 },
  coinm: { family: 'dapi', weight: 1 },
  'pm-um': { family: 'papi', weight: 5 },
  'pm-cm': { family: 'papi', weight: 1 },
};

/** A signed position read, whatever carried it: the key, the decoded params, the signed bytes. */
export interface SignedCall {
  source: SourceId;
  apiKey: string | undefined;
  params: ReadonlyMap<string, string>;
  payload: string;
  signature: string | undefined;
}

interface AccountState {
  account: SimAccount;
  check: SignatureCheck;
  positions: Map<SourceId, SimPosition[]>;
  forceOrders: Map<ForceOrderBook, SimForceOrder[]>;
  risk: RiskSettings;
}

/**
 * The exchange's state and rules, shared by the REST and WebSocket API front ends: accounts and their
 * legs, the server clock, request weight and injected faults.
 */
export class Exchange {
  readonly weight: WeightMeter;
  readonly faults = new FaultBook();
  latencyMs: number;
  skewMs: number;
  /** Told after the scenario changed an account's legs of a source: the streams push what moved. */
  readonly legsChanged = new Set<(account: string, source: SourceId) => void>();
  /** Told of a forced close as it is recorded, before its legs change: the user data streams push its order. */
  readonly forceOrdered = new Set<(account: string, source: SourceId, order: SimForceOrder) => void>();
  /** Told after a wallet balance was set: the user data streams push the balance. */
  readonly walletSet = new Set<(account: string, source: SourceId) => void>();
  readonly #accounts: AccountState[];

  readonly #clock: () => number;
  /** Force orders are numbered across the exchange, as the pages' `orderId`s are. */
  #nextOrderId = 6_071_832_819;

  constructor(opts: {
    accounts: SimAccount[];
    latencyMs: number;
    skewMs: number;
    weightLimit: number;
    clock: () => number;
  }) {
    this.#clock = opts.clock;
    this.latencyMs = opts.latencyMs;
    this.skewMs = opts.skewMs;
    this.weight = new WeightMeter(opts.weightLimit);
    this.#accounts = opts.accounts.map((account) => ({
      account,
      check: signatureCheckFor(account),
      positions: new Map(
        Object.entries(account.positions).map(([source, legs]) => [source as SourceId, this.#stamp(legs ?? [])]),
      ),
      forceOrders: new Map(),
      risk: new RiskSettings(account.wallets),
    }));
  }

  /** Server time: the local clock plus the skew. */
  now(): number {
    return this.#clock() + this.skewMs;
  }

  /** The account a key belongs to, without judging the request (used to match faults and log). */
  accountNameByKey(apiKey: string | undefined): string | undefined {
    return this.#accounts.find((a) => a.account.apiKey === apiKey)?.account.name;
  }

  setPositions(account: string, source: SourceId, positions: SimPosition[]): void {
    this.#state(account).positions.set(source, this.#stamp(parsePositions(positions)));
    for (const told of this.legsChanged) told(account, source);
  }

  /** Every account's legs of a source, as the scenario holds them now. */
  legsOf(source: SourceId): SimPosition[] {
    return this.#accounts.flatMap((a) => a.positions.get(source) ?? []);
  }

  updatePositions(account: string, source: SourceId, fn: (positions: SimPosition[]) => SimPosition[]): void {
    const state = this.#state(account);
    const current = (state.positions.get(source) ?? []).map((p) => ({ ...p }));
    state.positions.set(source, this.#stamp(parsePositions(fn(current))));
    for (const told of this.legsChanged) told(account, source);
  }

  /**
   * A signed position read, checked as the exchange checks it: the key, then the timestamp, then the
   * signature, then the filters. Returns the rows or the exchange's error.
   */
  readPositions(call: SignedCall): { rows: Record<string, unknown>[] } | { error: ExchangeError } {
    const state = this.#authenticate(call);
    if ('error' in state) return state;
    const hedgeMode = state.account.hedgeMode ?? false;
    const legs = legsFor(call.source, state.positions.get(call.source) ?? [], hedgeMode);
    const filtered = applyFilters(call.source, legs, call.params, this.#listedUmSymbols());
    if (!Array.isArray(filtered)) return { error: filtered };
    return { rows: filtered.map((p) => renderRow(call.source, p, hedgeMode)) };
  }

  /** A signed force-order read, checked as `readPositions` is, then its parameters (`selectForceOrders`). */
  readForceOrders(call: SignedCall): { rows: Record<string, unknown>[] } | { error: ExchangeError } {
    const state = this.#authenticate(call);
    if ('error' in state) return state;
    const book = forceOrderBookOf(call.source);
    const context = { now: this.now(), listedUm: this.#listedUmSymbols() };
    const selected = selectForceOrders(book, state.forceOrders.get(book) ?? [], call.params, context);
    if (!Array.isArray(selected)) return { error: selected };
    return { rows: selected.map((o) => renderForceOrder(book, o)) };
  }

  /** A signed read of an account page or an ADL page (`account-risk.ts`, `adl.ts`), checked as `readPositions` is. */
  readRisk(call: SignedCall, page: 'account' | 'adl'): { body: unknown } | { error: ExchangeError } {
    const state = this.#authenticate(call);
    if ('error' in state) return state;
    const view = riskViewOf(state.positions, state.account.hedgeMode ?? false, state.risk, this.now());
    const { source, params } = call;
    return {
      body:
        page === 'account' ? renderAccountPage(source, view) : renderAdlRows(forceOrderBookOf(source), view, params),
    };
  }

  setWallet(account: string, source: SourceId, asset: string, amount: number): void {
    this.#state(account).risk.setWallet(source, asset, amount);
    for (const told of this.walletSet) told(account, source);
  }

  /** What the user data streams read of an account: its legs, wallets and hedge mode. */
  account(name: string): Pick<AccountState, 'account' | 'positions' | 'risk'> {
    return this.#state(name);
  }

  /** The account an API key belongs to, or the exchange's error for the key (USER_STREAM calls carry no signature). */
  accountOfKey(apiKey: string | undefined): { account: SimAccount } | ExchangeError {
    const accounts = this.#accounts.map((a) => a.account);
    return checkApiKey(apiKey, accounts);
  }

  setAccountStatus(account: string, status: SimAccountStatus | null): void {
    this.#state(account).risk.setStatus(status);
  }

  setAdlQuantile(account: string, source: SourceId, symbol: string, side: SimPositionSide, q: number | null): void {
    this.#state(account).risk.setAdl(source, symbol, side, q);
  }

  /** See `ExchangeSimulator.liquidate`. */
  liquidate(account: string, source: SourceId, symbol: string, opts: SimLiquidation = {}): Record<string, unknown> {
    const state = this.#state(account);
    const hedgeMode = state.account.hedgeMode ?? false;
    const legs = legsFor(source, state.positions.get(source) ?? [], hedgeMode).filter(
      (p) => p.symbol === symbol && p.positionAmt !== 0 && (!opts.positionSide || p.positionSide === opts.positionSide),
    );
    const leg = legs[0] as (SimPosition & { positionSide: SimPositionSide }) | undefined;
    const which = `${symbol}${opts.positionSide ? ` ${opts.positionSide}` : ''}`;
    if (!leg) throw new Error(`${account} holds no open ${which} leg on ${source}`);
    if (legs.length > 1) throw new Error(`${account} holds two open ${which} legs on ${source}: name a positionSide`);
    const now = this.now();
    const price = opts.price ?? (leg.liquidationPrice ? leg.liquidationPrice : leg.markPrice);
    if (!(Number.isFinite(price) && price > 0)) throw new Error(`a liquidation price must be above 0, got ${price}`);
    const book = forceOrderBookOf(source);
    const order = forceOrderOf(leg, {
      orderId: this.#nextOrderId++,
      price,
      type: opts.type ?? 'LIQUIDATION',
      time: now,
    });
    state.forceOrders.set(book, [...(state.forceOrders.get(book) ?? []), order]);
    for (const told of this.forceOrdered) told(account, source, order);
    // One USDⓈ-M book, read by two sources: the leg closes in both.
    for (const each of book === 'usdm' ? (['usdm', 'usdm-ws'] as const) : [source]) {
      const held = state.positions.get(each);
      if (!held) continue;
      const closing = (p: SimPosition) =>
        p.symbol === symbol && p.positionAmt !== 0 && listedSideOf(each, p, hedgeMode) === leg.positionSide;
      state.positions.set(
        each,
        held.map((p) => (closing(p) ? closedLeg(p, price, now) : p)),
      );
      for (const told of this.legsChanged) told(account, each);
    }
    return renderForceOrder(book, order);
  }

  /** The key, then the timestamp, then the signature: the account the call may read, or the error. */
  #authenticate(call: SignedCall): AccountState | { error: ExchangeError } {
    const keyed = checkApiKey(
      call.apiKey,
      this.#accounts.map((a) => a.account),
    );
    if ('status' in keyed) return { error: keyed };
    const state = this.#state(keyed.account.name);
    const timing = checkTimestamp(call.params.get('timestamp'), call.params.get('recvWindow'), this.now());
    if (timing) return { error: timing };
    const signature = checkSignature(state.check, call.payload, call.signature);
    if (signature) return { error: signature };
    return state;
  }

  #listedUmSymbols(): Set<string> {
    const listed = new Set<string>();
    for (const { positions } of this.#accounts) {
      for (const source of ['usdm', 'usdm-ws', 'pm-um'] as const) {
        for (const p of positions.get(source) ?? []) listed.add(p.symbol);
      }
    }
    return listed;
  }

  #state(name: string): AccountState {
    const state = this.#accounts.find((a) => a.account.name === name);
    if (!state) throw new Error(`the scenario has no account named ${name}`);
    return state;
  }

  /** Open legs without an update time were last updated now, as far as a client can tell. */
  #stamp(legs: readonly SimPosition[]): SimPosition[] {
    const now = this.now();
    return legs.map((p) => ({ ...p, updateTime: p.updateTime ?? (p.positionAmt === 0 ? 0 : now) }));
  }
}
