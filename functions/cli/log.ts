import type { Log } from '#check/run-check.js';
import type { CliIo } from './io.js';

/** Log lines for a terminal: warnings and errors on stderr, one line each; info is left out. */
export function consoleLog(io: Pick<CliIo, 'stderr'>, command: string): Log {
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      io.stderr(
        `liqwatch ${command}: ${level}${message}${extra.length ? ` ${extra.map((e) => JSON.stringify(e)).join(' ')}` : ''}\n`,
      );
  return { info: () => {}, warn: line('warning: '), error: line('') };
}
