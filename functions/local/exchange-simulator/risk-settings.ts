import { ADL_QUANTILE_MAX } from '#core/account-risk.js';
import { type ForceOrderBook, forceOrderBookOf } from './force-orders.js';
import type { SimAccountStatus, SimPositionSide, SimWallets, SourceId } from './types.js';

/*
 * What a test or the demo sets on an account's risk pages: wallet balances, a Portfolio Margin status
 * that overrides the ladder, and ADL quantiles that override the default ranking.
 */

export type WalletBook = keyof SimWallets;

/** The book whose wallet a source reads: one USDⓈ-M book, one COIN-M book, one Portfolio Margin account. */
export function walletBookOf(source: SourceId): WalletBook {
  if (source === 'usdm' || source === 'usdm-ws') return 'usdm';
  return source === 'coinm' ? 'coinm' : 'pm';
}

/** The assets a Portfolio Margin wallet may hold here: the simulator values that account in USD at par. */
const USD_ASSETS = ['USDT', 'USDC', 'USD'];

export const ACCOUNT_STATUSES: readonly SimAccountStatus[] = [
  'NORMAL',
  'MARGIN_CALL',
  'SUPPLY_MARGIN',
  'REDUCE_ONLY',
  'ACTIVE_LIQUIDATION',
  'FORCE_LIQUIDATION',
  'BANKRUPTED',
];

/** One account's settings; built from its scenario's `wallets`, changed by the simulator's controls. */
export class RiskSettings {
  readonly #wallets = new Map<WalletBook, Map<string, number>>();
  readonly #adl = new Map<string, number>();
  #status: SimAccountStatus | null = null;

  constructor(wallets: SimWallets = {}) {
    for (const [book, balances] of Object.entries(wallets) as [WalletBook, Record<string, number>][]) {
      for (const [asset, amount] of Object.entries(balances)) this.#setWallet(book, asset, amount);
    }
  }

  /** See `ExchangeSimulator.setWallet`. */
  setWallet(source: SourceId, asset: string, amount: number): void {
    this.#setWallet(walletBookOf(source), asset, amount);
  }

  /** What was set for the book, or `undefined` when nothing was (its legs' opening margin, then). */
  wallet(source: SourceId): ReadonlyMap<string, number> | undefined {
    return this.#wallets.get(walletBookOf(source));
  }

  setStatus(status: SimAccountStatus | null): void {
    if (status !== null && !ACCOUNT_STATUSES.includes(status)) {
      throw new Error(`an account status is one of ${ACCOUNT_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
    }
    this.#status = status;
  }

  /** The status a test set, if any. */
  status(): SimAccountStatus | null {
    return this.#status;
  }

  /** See `ExchangeSimulator.setAdlQuantile`. */
  setAdl(source: SourceId, symbol: string, side: SimPositionSide, quantile: number | null): void {
    const key = adlKey(forceOrderBookOf(source), symbol, side);
    if (quantile === null) {
      this.#adl.delete(key);
      return;
    }
    if (!(Number.isInteger(quantile) && quantile >= 0 && quantile <= ADL_QUANTILE_MAX)) {
      throw new Error(`an ADL quantile is a whole number from 0 to ${ADL_QUANTILE_MAX}, got ${quantile}`);
    }
    this.#adl.set(key, quantile);
  }

  /** The quantile a test set for the leg on the book's ADL page, if any. */
  adl(book: ForceOrderBook, symbol: string, side: SimPositionSide): number | undefined {
    return this.#adl.get(adlKey(book, symbol, side));
  }

  #setWallet(book: WalletBook, asset: string, amount: number): void {
    if (!/^[A-Z0-9]{2,12}$/.test(asset)) throw new Error(`a wallet asset is a coin such as USDT or BTC, got ${asset}`);
    if (!Number.isFinite(amount)) throw new Error(`a wallet balance must be a finite number, got ${amount}`);
    if (book === 'pm' && !USD_ASSETS.includes(asset)) {
      throw new Error(`the Portfolio Margin wallet is valued in USD here: give ${USD_ASSETS.join(', ')}, not ${asset}`);
    }
    const wallet = this.#wallets.get(book) ?? new Map<string, number>();
    wallet.set(asset, amount);
    this.#wallets.set(book, wallet);
  }
}

function adlKey(book: ForceOrderBook, symbol: string, side: SimPositionSide): string {
  return `${book}|${symbol}|${side}`;
}

/**
 * The Portfolio Margin status the exchange gives a uniMMR: "uniMMR > 150%: you can trade freely;
 * 120% < uniMMR ≤ 150%: you will receive a reminder; 105% < uniMMR ≤ 120%: the system refuses to accept
 * new orders [but] Reduce Order positions; 100% < uniMMR ≤ 105%: liquidation will take place"
 * (https://www.binance.com/en/support/faq/5e33af8e6ac04d57a1d0a3398e0a0752). With no maintenance
 * margin there is nothing to liquidate.
 */
export function statusOfUniMmr(uniMmr: number | null): SimAccountStatus {
  if (uniMmr === null || uniMmr > 1.5) return 'NORMAL';
  if (uniMmr > 1.2) return 'MARGIN_CALL';
  if (uniMmr > 1.05) return 'REDUCE_ONLY';
  return 'ACTIVE_LIQUIDATION';
}
