import { ConfigError, loadConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';

/** Lambda's limit on all of a function's environment variables together. */
const ENV_LIMIT_BYTES = 4096;

/** What a deploy needs beyond a valid config: keys in Secrets Manager, a chat to tell, a config that fits. */
export function deployProblems(config: Config): string[] {
  const problems: string[] = [];
  config.accounts.forEach((a, i) => {
    if (!a.secretId) {
      problems.push(
        `accounts[${i}]: a deployed check reads keys from Secrets Manager: give secretId instead of ${a.keysFile ? 'keysFile' : 'keysEnv'}`,
      );
    }
  });
  if ((config.telegram.chatIds?.length ?? 0) + (config.telegram.chats?.length ?? 0) === 0) {
    problems.push('telegram: name at least one chat (chatIds or chats) for the alerts to go to');
  }
  const size = Buffer.byteLength(JSON.stringify(config));
  if (size > ENV_LIMIT_BYTES - 512) {
    problems.push(`(root): the config is ${size} bytes; a deployed config must stay under ${ENV_LIMIT_BYTES - 512}`);
  }
  return problems;
}

/**
 * The config for `cdk synth`: `-c config=<file>`, else LIQWATCH_CONFIG, else `liqwatch.config.json`
 * when it exists, else the example. A bad config stops the synth with the config's own messages.
 */
export async function loadDeployConfig(path: string): Promise<Config> {
  const { config, origin } = await loadConfig(path);
  const problems = deployProblems(config);
  if (problems.length > 0) throw new ConfigError(origin, problems);
  return config;
}
