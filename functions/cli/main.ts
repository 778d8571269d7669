import { CommanderError } from 'commander';
import { messageOf } from '#shared/errors.js';
import { type CliIo, processIo, UsageError } from './io.js';
import { buildProgram } from './program.js';

/**
 * The `liqwatch` command: returns the exit status. A mistake in the call (an unknown command or option,
 * with the nearest one suggested; no command at all, which prints the usage) is status 2 on stderr; a
 * failure prints one line (or a config's problems) on stderr and is status 1.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let status = 0;
  const program = buildProgram(io, async (name, run) => {
    try {
      status = await run();
    } catch (error) {
      if (error instanceof UsageError) {
        io.stderr(`liqwatch ${name}: ${error.message} (liqwatch ${name} --help)\n`);
        status = 2;
        return;
      }
      io.stderr(`liqwatch ${name}: ${messageOf(error)}\n`);
      status = 1;
    }
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    // Commander has printed what was wrong (or the help, or the version) before throwing.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}
