import { type AccountRisk, type AdlQuantile, type CrossMarginRisk, marginRatioPct } from '../account-risk.js';
import type { Severity } from '../alert.js';
import type { AccountState } from '../lifecycle/account-state.js';
import { bookOf } from '../lifecycle/books.js';
import { readRiskBooks } from '../lifecycle/risk-books.js';
import type { SourceId } from '../position.js';
import type { RiskHealth } from '../rules/risk-down.js';
import { escapeHtml as e } from './html.js';
import { type RiskLineSettings, renderRiskLine, riskTier } from './risk-lines.js';
import { ago } from './times.js';

/*
 * An account's margin numbers as the views show them, a line per book (or COIN-M margin asset): from a
 * live read (/positions, `liqwatch positions`) or from what the check kept (/status, the digest). A book
 * whose numbers could not be read says so, so that it never passes for a book with no risk.
 */

/** How a line stands: a risk's tier, `unread` (the read failed), `empty` (read: nothing on margin). */
export type RiskLineTier = Severity | 'ok' | 'unread' | 'empty';

/** One line of an account's numbers, in plain text (a view escapes it for HTML). */
export interface RiskLine {
  tier: RiskLineTier;
  text: string;
  /** When the numbers shown were read, where that was before the last check (its read failed since). */
  readAt?: number | undefined;
}

/** One source's account read as a view needs it: the numbers, or why there are none. */
export type RiskAnswer =
  | { source: SourceId; ok: true; risks: readonly AccountRisk[]; adl?: readonly AdlQuantile[] }
  | { source: SourceId; ok: false; error: { message: string } };

/** What one account's live read says of its numbers, book by book. */
export interface RiskReading {
  account: string;
  /** The numbers of each book that answered, once per book and margin asset. */
  risks: AccountRisk[];
  /** Books that answered with nothing on margin. */
  empty: SourceId[];
  /** Books none of whose sources answered, with the first failure's message. */
  unread: { source: SourceId; message: string }[];
}

/**
 * An account's live read, book by book as the check reads it (`readRiskBooks`): `usdm` and `usdm-ws`
 * read one USDⓈ-M account, shown once, from `usdm` or from `usdm-ws` when only it answered. `watched` are
 * the sources read.
 */
export function riskReadingOf(
  account: string,
  watched: readonly SourceId[],
  answers: readonly RiskAnswer[],
): RiskReading {
  const sources = new Set(watched);
  const books = readRiskBooks(
    answers.flatMap((a) => (a.ok ? [{ source: a.source, ok: true as const, risks: a.risks, adl: a.adl ?? [] }] : [])),
    sources,
  );
  const reading: RiskReading = { account, risks: [], empty: [], unread: [] };
  for (const [book, risks] of Object.entries(books.risks) as [SourceId, readonly AccountRisk[]][]) {
    if (risks.length === 0) reading.empty.push(book);
    reading.risks.push(...risks);
  }
  for (const a of answers) {
    const book = bookOf(a.source, sources);
    if (a.ok || books.risks[book] !== undefined || reading.unread.some((u) => u.source === book)) continue;
    reading.unread.push({ source: book, message: a.error.message });
  }
  return reading;
}

/** A live reading as lines: each risk with its tier, then the books with nothing, then those not read. */
export function readingLines(reading: RiskReading, s: RiskLineSettings): RiskLine[] {
  return [
    ...reading.risks.map((r) => ({ tier: riskTier(r, s), text: renderRiskLine(r, s) })),
    ...reading.empty.map((source) => emptyLine(reading.account, source)),
    ...reading.unread.map((u) => unreadLine(reading.account, u.source, u.message)),
  ];
}

/**
 * The numbers the check kept, as lines: each with its tier, and with when it was read where its book's
 * last read failed since (an outage keeps the last numbers, it does not change them); a book whose
 * account read fails and that has no numbers kept says it was not read.
 */
export function stateRiskLines(state: AccountState | null, s: RiskLineSettings): RiskLine[] {
  if (!state) return [];
  const health = Object.entries(state.riskHealth ?? {}) as [SourceId, RiskHealth][];
  const risks = state.risks ?? [];
  const watched = new Set([...health.map(([source]) => source), ...risks.map((r) => r.source)]);
  const ofBook = (book: SourceId) => health.filter(([source]) => bookOf(source, watched) === book);
  const lines: RiskLine[] = risks.map((r) => {
    const lastOk = Math.max(...ofBook(r.source).map(([, h]) => h.lastOkAt ?? 0), 0);
    const stale = lastOk > 0 && state.lastCycleAt !== null && lastOk < state.lastCycleAt;
    return { tier: riskTier(r, s), text: renderRiskLine(r, s), ...(stale ? { readAt: lastOk } : {}) };
  });
  const books = [...new Set(health.map(([source]) => bookOf(source, watched)))];
  for (const book of books) {
    const failing = ofBook(book).filter(([, h]) => h.failures > 0);
    if (risks.some((r) => r.source === book) || failing.length < ofBook(book).length) continue;
    const own = failing.find(([source]) => source === book) ?? failing[0];
    lines.push(unreadLine(state.account, book, own?.[1].lastError?.message ?? 'unknown error'));
  }
  return lines;
}

const MARK: Record<RiskLineTier, string> = {
  ok: '🟢',
  info: '🔵',
  warning: '🟠',
  critical: '🔴',
  unread: '⚠️',
  empty: '⚪',
};

/** A line in Telegram's HTML: its mark, the text escaped, and how long ago it was read when not lately. */
export function riskLineHtml(line: RiskLine, nowMs: number): string {
  const read = line.readAt === undefined ? '' : ` <i>(read ${ago(nowMs - line.readAt)} ago)</i>`;
  return `${MARK[line.tier]} ${e(line.text)}${read}`;
}

function emptyLine(account: string, source: SourceId): RiskLine {
  return { tier: 'empty', text: `${account} ${source} · nothing on margin` };
}

/** `main usdm · account numbers not read: GET /fapi/v2/account: HTTP 503 …`, the error's own prefix dropped. */
function unreadLine(account: string, source: SourceId, message: string): RiskLine {
  const where = `${account} ${source} `;
  const reason = message.startsWith(where) ? message.slice(where.length) : message;
  return { tier: 'unread', text: `${account} ${source} · account numbers not read: ${reason}` };
}

/** An account risk as `liqwatch positions --json` prints it: a cross row adds its margin ratio. */
export type AccountRiskJson = AccountRisk | (CrossMarginRisk & { marginRatioPct: number | null });

/**
 * The account-risk contract (README, "Account risk"), field by field in its order; a cross row adds
 * `marginRatioPct`, `null` where nothing is on cross margin or no margin balance is left (no finite ratio).
 */
export function accountRiskJson(r: AccountRisk): AccountRiskJson {
  if (r.kind === 'portfolio') {
    return {
      kind: r.kind,
      account: r.account,
      source: r.source,
      uniMMR: r.uniMMR,
      accountStatus: r.accountStatus,
      accountEquity: r.accountEquity,
      actualEquity: r.actualEquity,
      accountMaintMargin: r.accountMaintMargin,
      totalAvailableBalance: r.totalAvailableBalance,
    };
  }
  const ratio = marginRatioPct(r);
  return {
    kind: r.kind,
    account: r.account,
    source: r.source,
    asset: r.asset,
    maintMargin: r.maintMargin,
    marginBalance: r.marginBalance,
    walletBalance: r.walletBalance,
    availableBalance: r.availableBalance,
    marginRatioPct: ratio !== null && Number.isFinite(ratio) ? ratio : null,
  };
}
