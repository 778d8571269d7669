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
 * environment of yours), a secret read both as one key set and as named key sets, no chat for the alerts to
 * go to, a config too large for the function's environment.
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
  problems.push(...sharedSecretProblems(config));
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
 * Accounts that share a secret must agree on its shape: with `secretKey` the secret is named key sets,
 * without it one key set, so an account of each kind on one secret means one of them cannot read its keys.
 */
function sharedSecretProblems(config: Config): string[] {
  const named = new Map<string, number>();
  config.accounts.forEach((a, i) => {
    if (a.secretId && a.secretKey !== undefined && !named.has(a.secretId)) named.set(a.secretId, i);
  });
  return config.accounts.flatMap((a, i) => {
    const other = a.secretId && a.secretKey === undefined ? named.get(a.secretId) : undefined;
    return other === undefined
      ? []
      : [
          `accounts[${i}]: secret ${a.secretId} holds named key sets (accounts[${other}] gives a secretKey): give this account the secretKey of its key set`,
        ];
  });
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
