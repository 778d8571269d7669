import { z } from 'zod';

/*
 * The exchange sends every number as a decimal string ("positionAmt": "0.001") except `updateTime`,
 * and some gateways send plain JSON numbers. Both are accepted; anything else is an error that says
 * what arrived. Parse strictly where it matters (amounts and prices), leniently elsewhere.
 */

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A decimal as the exchange sends it: a decimal string, or a finite JSON number. */
export type DecimalInput = string | number;

/*
 * The row schemas only check; the source's `normalise` converts. A zod transform on each of the 17
 * fields of 500 rows made validation cost ten times the JSON parse; a plain check keeps zod's compiled
 * fast path for objects, and the conversion below is a single `Number()` per field.
 */

/** A required decimal: a string or number that is a finite number. Read it with `readDecimal`. */
export const DecimalSchema = z.custom<DecimalInput>((value) => toNumber(value) !== undefined, {
  error: (issue) => `expected a decimal number, got ${describe(issue.input)}`,
});

/** A millisecond timestamp, as a number or a numeric string. Read it with `readDecimal`. */
export const MillisSchema = z.custom<DecimalInput>(
  (value) => {
    const n = toNumber(value);
    return n !== undefined && Number.isInteger(n) && n >= 0;
  },
  { error: (issue) => `expected a millisecond timestamp, got ${describe(issue.input)}` },
);

/**
 * An optional field: anything, or nothing. `readOptionalDecimal` and `readMarginType` make it a value
 * or `null`, so a surprise in an optional field never drops the row.
 */
export const OptionalSchema = z.unknown().optional();

/** The number of a value `DecimalSchema` or `MillisSchema` accepted. */
export function readDecimal(value: DecimalInput): number {
  return typeof value === 'number' ? value : Number(value);
}

/** An optional decimal: missing, null or unreadable becomes `null`. */
export function readOptionalDecimal(value: unknown): number | null {
  return toNumber(value) ?? null;
}

export const SymbolSchema = z.string().min(1, 'expected a symbol');

export const PositionSideSchema = z.enum(['BOTH', 'LONG', 'SHORT']);

/** "cross" / "isolated" in any case, also "crossed"; anything else is unknown (`null`). */
export function readMarginType(value: unknown): 'cross' | 'isolated' | null {
  if (typeof value !== 'string') return null;
  const v = value.toLowerCase();
  if (v === 'cross' || v === 'crossed') return 'cross';
  if (v === 'isolated') return 'isolated';
  return null;
}

/**
 * `"0"` is how the exchange says "no liquidation price" (seed 000: `"liquidationPrice": "0"` on a flat
 * leg), not a price of zero.
 */
export function liquidationPriceOrNull(price: number): number | null {
  return price === 0 ? null : price;
}
