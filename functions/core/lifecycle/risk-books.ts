import type { AccountRisk, AdlQuantile, RiskOutcome } from '../account-risk.js';
import type { SourceId } from '../position.js';
import { bookOf } from './books.js';

/** The account reads of one cycle, under the sources their alerts are keyed by. */
export interface RiskBooks {
  /**
   * Account numbers per source that was read (an empty list: read, nothing on margin). A Portfolio
   * Margin account's numbers sit under the source they name, whichever of its books carried them.
   */
  risks: Partial<Record<SourceId, readonly AccountRisk[]>>;
  /** ADL quantiles per book that was read. */
  adl: Partial<Record<SourceId, readonly AdlQuantile[]>>;
}

/**
 * What the account reads of this cycle say, book by book, as `readBooks` does for positions: `usdm` and
 * `usdm-ws` read one USDⓈ-M account, so its numbers are taken from `usdm`, or from `usdm-ws` in a cycle
 * when only it answered, relabelled with the book's id so their alerts keep one key. Reads of a source
 * no longer watched are left out. Pure.
 */
export function readRiskBooks(outcomes: readonly RiskOutcome[], watched: ReadonlySet<SourceId>): RiskBooks {
  const books: { risks: Partial<Record<SourceId, AccountRisk[]>>; adl: Partial<Record<SourceId, AdlQuantile[]>> } = {
    risks: {},
    adl: {},
  };
  const read = outcomes.filter((o) => o.ok && watched.has(o.source));
  const answered = (source: SourceId) => read.some((o) => o.source === source);
  for (const o of read) {
    if (!o.ok) continue;
    const book = bookOf(o.source, watched);
    // The book's own source speaks for it when it answered; another of its sources stands in otherwise.
    if ((book !== o.source && answered(book)) || books.adl[book] !== undefined) continue;
    books.adl[book] = o.adl.map((q) => ({ ...q, source: bookOf(q.source, watched) }));
    books.risks[book] ??= [];
    for (const r of o.risks) {
      const under = bookOf(r.source, watched);
      const list = books.risks[under] ?? [];
      // One Portfolio Margin account may come with each of its books: told once.
      if (!list.some((x) => sameAsset(x, r))) books.risks[under] = [...list, { ...r, source: under }];
    }
  }
  return books;
}

/** The same account risk: one cross margin per asset, one Portfolio Margin account. */
function sameAsset(a: AccountRisk, b: AccountRisk): boolean {
  return a.kind === 'cross' && b.kind === 'cross' ? a.asset === b.asset : a.kind === b.kind;
}

/**
 * The account numbers last read, as state keeps them for `/status` and the digest: this cycle's for the
 * books that were read, the last ones of a book that was not (an outage is not a change), none of a
 * source no longer watched. Pure.
 */
export function latestRisks(
  before: readonly AccountRisk[] | undefined,
  answered: Partial<Record<SourceId, readonly AccountRisk[]>>,
  watched: ReadonlySet<SourceId>,
): AccountRisk[] {
  const kept = (before ?? []).filter((r) => watched.has(r.source) && answered[r.source] === undefined);
  return [...kept, ...Object.values(answered).flatMap((list) => [...(list ?? [])])];
}
