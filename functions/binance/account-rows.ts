import { z } from 'zod';
import type { CrossMarginRisk, PortfolioMarginRisk } from '#core/account-risk.js';
import type { SourceId } from '#core/position.js';
import { describeIssues } from '#shared/parse.js';
import { DecimalSchema, OptionalSchema, readDecimal, readOptionalDecimal } from './numbers.js';
import { ResponseShapeError } from './sources/source.js';

/*
 * The account pages' answers, checked and normalised to the core's account risk. What a margin alert
 * stands on is strict (maintenance margin, margin balance, wallet balance, equity, status); the rest of
 * each page (fee tier, per-position rows, open-order margins) is read by nothing and may be anything.
 */

/**
 * The USDⓈ-M account's totals, the same on REST and on the WebSocket API (in single-asset mode in USDT,
 * in multi-assets mode in USD). `assets` and `positions` are not read: the totals are the account.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/websocket-api/Account-Information-V2
 */
export const UsdmAccountSchema = z.object({
  totalMaintMargin: DecimalSchema,
  totalMarginBalance: DecimalSchema,
  totalWalletBalance: DecimalSchema,
  availableBalance: OptionalSchema,
});
export type UsdmAccount = z.infer<typeof UsdmAccountSchema>;

/**
 * One margin asset of a COIN-M account, amounts in the coin.
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Account-Information
 */
export const CoinmAssetRowSchema = z.object({
  asset: z.string().min(1, 'expected an asset such as BTC'),
  walletBalance: DecimalSchema,
  marginBalance: DecimalSchema,
  maintMargin: DecimalSchema,
  availableBalance: OptionalSchema,
});
export const CoinmAccountSchema = z.object({ assets: z.array(CoinmAssetRowSchema) });
export type CoinmAccount = z.infer<typeof CoinmAccountSchema>;

/**
 * The Portfolio Margin account, in USD. The page's example sends `totalAvailableBalance` as `""`, so it
 * is read leniently; `uniMMR` too, since it means nothing without a maintenance margin.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export const PmAccountSchema = z.object({
  uniMMR: OptionalSchema,
  accountEquity: DecimalSchema,
  actualEquity: DecimalSchema,
  accountMaintMargin: DecimalSchema,
  accountStatus: z.string().min(1, 'expected an account status such as NORMAL'),
  totalAvailableBalance: OptionalSchema,
});
export type PmAccount = z.infer<typeof PmAccountSchema>;

function parseAccount<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(`the account is not the documented shape: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** `usdm` and `usdm-ws`: the account's totals, one cross-margin risk with no asset. */
export function toUsdmRisks(body: unknown, account: string, source: SourceId): CrossMarginRisk[] {
  const row = parseAccount(UsdmAccountSchema, body);
  return [
    {
      kind: 'cross',
      account,
      source,
      asset: null,
      maintMargin: readDecimal(row.totalMaintMargin),
      marginBalance: readDecimal(row.totalMarginBalance),
      walletBalance: readDecimal(row.totalWalletBalance),
      availableBalance: readOptionalDecimal(row.availableBalance),
    },
  ];
}

/**
 * `coinm`: one cross-margin risk per margin asset that holds anything. The page lists every asset the
 * account could margin with; an asset with no wallet, no margin balance and no maintenance margin
 * has no risk to tell.
 */
export function toCoinmRisks(body: unknown, account: string, source: SourceId): CrossMarginRisk[] {
  const { assets } = parseAccount(CoinmAccountSchema, body);
  return assets
    .map(
      (row): CrossMarginRisk => ({
        kind: 'cross',
        account,
        source,
        asset: row.asset,
        maintMargin: readDecimal(row.maintMargin),
        marginBalance: readDecimal(row.marginBalance),
        walletBalance: readDecimal(row.walletBalance),
        availableBalance: readOptionalDecimal(row.availableBalance),
      }),
    )
    .filter((r) => r.walletBalance !== 0 || r.marginBalance !== 0 || r.maintMargin !== 0);
}

/**
 * `pm-um` and `pm-cm`: the whole Portfolio Margin account, keyed under the source it was read for.
 * With no maintenance margin there is no ratio, whatever `uniMMR` holds (the page does not say what it
 * sends then).
 */
export function toPortfolioRisks(body: unknown, account: string, source: SourceId): PortfolioMarginRisk[] {
  const row = parseAccount(PmAccountSchema, body);
  const accountMaintMargin = readDecimal(row.accountMaintMargin);
  return [
    {
      kind: 'portfolio',
      account,
      source,
      uniMMR: accountMaintMargin > 0 ? readOptionalDecimal(row.uniMMR) : null,
      accountStatus: row.accountStatus,
      accountEquity: readDecimal(row.accountEquity),
      actualEquity: readDecimal(row.actualEquity),
      accountMaintMargin,
      totalAvailableBalance: readOptionalDecimal(row.totalAvailableBalance),
    },
  ];
}
