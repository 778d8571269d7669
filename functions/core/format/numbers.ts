/**
 * Numbers as a trader reads them: prices with the significant digits that matter (a BTC price to
 * the cent, a meme coin to its fifth significant digit), percentages to one decimal, no exponent.
 */
export function formatPrice(value: number | null): string {
  if (value === null) return '—';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : Math.min(10, 4 - Math.floor(Math.log10(abs)));
  return trimZeros(value.toFixed(decimals));
}

/** An amount as the exchange gives it, without float noise (`0.30000000000000004` → `0.3`). */
export function formatAmount(value: number): string {
  return trimZeros(value.toFixed(8));
}

export function formatPct(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}

/** PnL with its sign, two decimals for quote currencies, more for small coin amounts. */
export function formatPnl(value: number): string {
  const text = Math.abs(value) >= 1 || value === 0 ? value.toFixed(2) : trimZeros(value.toFixed(8));
  return value > 0 ? `+${text}` : text;
}

export function formatLeverage(value: number): string {
  return `${trimZeros(value.toFixed(2))}x`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
