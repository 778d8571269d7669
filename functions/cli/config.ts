import { loadConfig } from '#config/load.js';
import { deployProblems, localProblems, type Target } from '#config/validate.js';
import { resolvedConfig } from '#config/validate-defaults.js';
import type { CliIo } from './io.js';

/**
 * `liqwatch config validate <file> [--for deploy|local]`: the config as liqwatch runs it (every default
 * filled in), or each problem with its path and status 1. `--for deploy` adds what the stack refuses,
 * `--for local` what a command on this machine would fail on (key files, keys variables; never a value).
 */
export async function runConfigCommand(file: string, o: { for?: Target }, io: CliIo): Promise<number> {
  const { config, baseDir, origin } = await loadConfig(file, io.cwd);
  const problems =
    o.for === 'deploy' ? deployProblems(config) : o.for === 'local' ? await localProblems(config, baseDir, io.env) : [];
  if (problems.length > 0) {
    io.stderr(`liqwatch config: ${origin}: not ready for ${o.for}\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  }
  io.stdout(`${JSON.stringify(resolvedConfig(config), null, 2)}\n`);
  return 0;
}
