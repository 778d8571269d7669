import type { CliIo } from './io.js';
import { runStartCommand, type StartOptions } from './start.js';

/**
 * `liqwatch watch --config <file>`: the accounts watched by the second on a laptop, with no AWS: the
 * exchange's streams held for as long as it runs (`watch.mode` `always`, whatever the config says), the
 * accounts read again every `--interval` seconds (default `watch.rereadSeconds`), alerts in the terminal or
 * on Telegram as with `liqwatch start`. The same code as the check Lambda's watch.
 */
export function runWatchCommand(o: StartOptions, io: CliIo): Promise<number> {
  return runStartCommand(o, io, { watch: 'always' });
}
