/*
 * "Did you mean …?" for a name typed in chat: the closest of the names liqwatch knows (accounts, symbols),
 * compared without regard to case.
 */

/**
 * Edits (insert, delete, substitute, swap two neighbours) between two strings: the optimal string
 * alignment distance, so a swap such as `mian` for `main` costs one edit, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const up = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}

/** Typed names longer than this are not compared: nothing liqwatch knows is that long. */
const LONGEST_NAME = 40;

/**
 * The known name closest to `typed`, or `null` when none is close: within a third of the typed length
 * (at least one edit, two from four characters on), or else the shortest name that starts with it.
 */
export function nearestName(typed: string, names: Iterable<string>): string | null {
  const word = typed.toUpperCase();
  if (word === '' || word.length > LONGEST_NAME) return null;
  const limit = Math.max(word.length >= 4 ? 2 : 1, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | null = null;
  let prefixed: string | null = null;
  for (const name of new Set(names)) {
    const upper = name.toUpperCase();
    const distance = editDistance(word, upper);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
    if (upper.startsWith(word) && (!prefixed || name.length < prefixed.length)) prefixed = name;
  }
  return best?.name ?? prefixed;
}
