import { type ParseArgsConfig, parseArgs } from 'node:util';
import { messageOf } from '#shared/errors.js';
import { UsageError } from './io.js';

/** `node:util` parseArgs, with its errors turned into usage errors a user can act on. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(messageOf(error).replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a whole number above 0, not "${value}"`);
  return n;
}
