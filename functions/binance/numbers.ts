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

/** A required decimal: a string or number that is a finite number. */
export const DecimalSchema = z
  .unknown()
  .optional()
  .transform((value, ctx): number => {
    const n = toNumber(value);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a decimal number, got ${describe(value)}` });
      return z.NEVER;
    }
    return n;
  });

/** An optional decimal: missing, null or unreadable becomes `null` and never drops the row. */
export const OptionalDecimalSchema = z
  .unknown()
  .optional()
  .transform((value): number | null => toNumber(value) ?? null);

/** A millisecond timestamp, as a number or a numeric string. */
export const MillisSchema = z
  .unknown()
  .optional()
  .transform((value, ctx): number => {
    const n = toNumber(value);
    if (n === undefined || !Number.isInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `expected a millisecond timestamp, got ${describe(value)}` });
      return z.NEVER;
    }
    return n;
  });

export const SymbolSchema = z.string().min(1, 'expected a symbol');

export const PositionSideSchema = z.enum(['BOTH', 'LONG', 'SHORT']);

/** "cross" / "isolated" in any case, also "crossed"; anything else is unknown (`null`). */
export const MarginTypeSchema = z
  .unknown()
  .optional()
  .transform((value): 'cross' | 'isolated' | null => {
    if (typeof value !== 'string') return null;
    const v = value.toLowerCase();
    if (v === 'cross' || v === 'crossed') return 'cross';
    if (v === 'isolated') return 'isolated';
    return null;
  });

/**
 * `"0"` is how the exchange says "no liquidation price" (seed 000: `"liquidationPrice": "0"` on a flat
 * leg), not a price of zero.
 */
export function liquidationPriceOrNull(price: number): number | null {
  return price === 0 ? null : price;
}

/** One line naming the first problems of a failed parse, with their paths (`[3].markPrice: …`). */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${path || '(root)'}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}
