import { type AlertState, alertKey } from '../alert.js';
import type { Position, SourceId } from '../position.js';

/*
 * Sources that read one book. `usdm` (GET /fapi/v2/positionRisk) and `usdm-ws` (the WebSocket API's
 * `account.position`) return the same USDⓈ-M futures positions of an account: watched together, a leg
 * is one leg, judged once and alerted once. Its alerts are keyed under the first of the book's sources
 * that is watched (`usdm`), whichever source answered, so an alert does not resolve and fire again when
 * the other source stands in for a cycle.
 */
const BOOKS: readonly (readonly SourceId[])[] = [['usdm', 'usdm-ws']];

/** What the books need of a source's result this cycle. */
type Answer = { source: SourceId; ok: true; positions: readonly Position[] } | { source: SourceId; ok: false };

/** One book's legs this cycle, as the rules judge them. */
export interface BookReading {
  /** The source the book's alerts are keyed under. */
  book: SourceId;
  positions: readonly Position[];
}

/** The source whose id the legs read by `source` are judged and keyed under. */
export function bookOf(source: SourceId, watched: ReadonlySet<SourceId>): SourceId {
  return BOOKS.find((members) => members.includes(source))?.find((s) => watched.has(s)) ?? source;
}

/**
 * One reading per book, in the order of the answers: the book's own source when it answered, else
 * another source of the book that did, its legs relabelled with the book's id so that the rules key
 * their findings as they were keyed before. A book none of whose sources answered is not judged.
 */
export function readBooks(answers: readonly Answer[], watched: ReadonlySet<SourceId>): BookReading[] {
  const readings: BookReading[] = [];
  const answered = (source: SourceId) => answers.some((a) => a.source === source && a.ok);
  for (const a of answers) {
    if (!a.ok) continue;
    const book = bookOf(a.source, watched);
    if (book === a.source) {
      readings.push({ book, positions: a.positions });
    } else if (!answered(book) && !readings.some((r) => r.book === book)) {
      readings.push({ book, positions: a.positions.map((p) => ({ ...p, source: book })) });
    }
  }
  return readings;
}

/**
 * Last cycle's alerts under this cycle's keys. An alert of a leg kept under another source of its book
 * (state saved before the sources were read as one book, or before the config changed) moves to the
 * book's key with its start and what each chat was told, so it neither resolves nor fires again; where
 * the book already holds that alert, the copy is dropped. An alert about a source itself (`source-down`,
 * `risk-down`) stays with its source. Pure: `alerts` is not changed.
 */
export function rekeyAlerts(
  alerts: Readonly<Record<string, AlertState>>,
  watched: ReadonlySet<SourceId>,
): Record<string, AlertState> {
  const kept: Record<string, AlertState> = {};
  const moved: AlertState[] = [];
  for (const [key, state] of Object.entries(alerts)) {
    const { source, rule } = state.alert;
    const aboutSource = rule === 'source-down' || rule === 'risk-down';
    if (source === null || aboutSource || bookOf(source, watched) === source) kept[key] = state;
    else moved.push({ ...state, alert: { ...state.alert, source: bookOf(source, watched) } });
  }
  for (const state of moved) {
    const key = alertKey(state.alert);
    if (!Object.hasOwn(kept, key)) kept[key] = state;
  }
  return kept;
}
