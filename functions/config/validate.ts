import { KeysError } from '#binance/keys.js';
import { createKeysProvider } from './keys-provider.js';
import type { Config } from './schema.js';

/*
 * What a valid config still needs where it will run: `liqwatch config validate --for deploy|local`.
 * Every problem names the field; none holds a key, a secret or an environment variable's value.
 */

export const TARGETS = ['deploy', 'local'] as const;
export type Target = (typeof TARGETS)[number];

/** Lambda's limit on all of a function's environment variables together. */
const ENV_LIMIT_BYTES = 4096;

/**
 * What the stack refuses: keys that are not in Secrets Manager (a deployed check has no files and no
 * environment of yours), no chat for the alerts to go to, a config too large for the function's environment.
 */
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
 * What a command on this machine would fail on: each account's keys file read and each keys variable set,
 * both holding keys. An account with a secretId is read with the machine's AWS credentials at run time
 * and is not checked here.
 */
export async function localProblems(config: Config, baseDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const keys = createKeysProvider({ baseDir, env });
  const problems: string[] = [];
  for (const [i, account] of config.accounts.entries()) {
    if (account.secretId) continue;
    try {
      await keys.signerFor(account);
    } catch (error) {
      if (!(error instanceof KeysError)) throw error;
      problems.push(`accounts[${i}]: ${error.message}`);
    }
  }
  return problems;
}
