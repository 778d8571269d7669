import type { Log } from '#shared/log.js';
import type { CliIo } from './io.js';

/**
 * Log lines for a terminal: warnings and errors on stderr, one line each; info is left out. Keys added
 * with `appendKeys` (the record being handled) go on every line until they are removed.
 */
export function consoleLog(io: Pick<CliIo, 'stderr'>, command: string): Log {
  const keys: Record<string, unknown> = {};
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const context = Object.keys(keys).length > 0 ? [{ ...keys }, ...extra] : extra;
      const tail = context.length ? ` ${context.map((e) => JSON.stringify(e)).join(' ')}` : '';
      io.stderr(`liqwatch ${command}: ${level}${message}${tail}\n`);
    };
  return {
    info: () => {},
    warn: line('warning: '),
    error: line(''),
    appendKeys: (more) => void Object.assign(keys, more),
    removeKeys: (names) => {
      for (const name of names) delete keys[name];
    },
  };
}
