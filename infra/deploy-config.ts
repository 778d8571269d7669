import { ConfigError, loadConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';
import { deployProblems } from '#config/validate.js';

export { deployProblems };

/**
 * The config for `cdk synth` and `cdk deploy`, from where config-source.ts found it. A bad config, or one
 * a deploy cannot use, stops the synth with the config's own messages.
 */
export async function loadDeployConfig(path: string): Promise<Config> {
  const { config, origin } = await loadConfig(path);
  const problems = deployProblems(config);
  if (problems.length > 0) throw new ConfigError(origin, problems);
  return config;
}
