import { loadConfig } from '#config/load.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { type CliIo, UsageError } from './io.js';

/**
 * `liqwatch config validate <file>`: the resolved config (every default and per-account rule filled in),
 * or each problem with its path, and a non-zero exit.
 */
export async function runConfigCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, file, ...extra] = args;
  if (verb !== 'validate' || !file || extra.length > 0) throw new UsageError('usage: liqwatch config validate <file>');
  const { config } = await loadConfig(file, io.cwd);
  const resolved = {
    ...config,
    rules: resolveRuleSettings(config.rules),
    accounts: config.accounts.map((a) => ({ ...a, rules: resolveRuleSettings(config.rules, a.rules) })),
  };
  io.stdout(`${JSON.stringify(resolved, null, 2)}\n`);
  return 0;
}
