import { InvalidArgumentError } from 'commander';

/*
 * Option values parsed where the command line is read, so a command gets numbers, not text, and a bad
 * value is refused with the option's name before anything runs.
 */

/** A whole number above 0 (`--cycles`, `--interval`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Give a whole number above 0.');
  return n;
}

/** A TCP port; 0 lets the system choose a free one. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('Give a port from 0 to 65535.');
  return n;
}
