import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Keys, KeysError, parseKeys } from '#binance/keys.js';
import { Signer } from '#binance/sign.js';
import { codeOf } from '#shared/errors.js';
import { createAccountSecrets, type SecretReader } from './account-secrets.js';
import type { AccountConfig } from './schema.js';

export type { SecretReader };

export interface KeysProvider {
  /**
   * The account's signer. `fresh` re-reads the keys (a rotated secret after the exchange refused the
   * old key); otherwise a secret is cached for five minutes while the container is warm. Accounts that
   * name one secret share its reads: asked for at once, fresh or not, they make one GetSecretValue.
   */
  signerFor(account: AccountConfig, opts?: { fresh?: boolean }): Promise<Signer>;
}

/**
 * Keys from where the account's config says: a Secrets Manager secret (the whole secret, or the key set
 * its `secretKey` names inside it), a JSON file (relative to the config file) or an environment variable.
 * Error messages name the account and the place, never a value.
 */
export function createKeysProvider(deps: {
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretReader | undefined;
}): KeysProvider {
  const env = deps.env ?? process.env;
  const signers = new Map<string, Signer>();
  const secrets = deps.secrets && createAccountSecrets(deps.secrets);
  return {
    async signerFor(account, opts = {}) {
      const cached = signers.get(account.name);
      if (cached && !opts.fresh && !account.secretId) return cached;
      const signer = Signer.fromKeys(await readKeys(account, opts.fresh ?? false), account.name);
      signers.set(account.name, signer);
      return signer;
    },
  };

  async function readKeys(account: AccountConfig, fresh: boolean) {
    if (account.secretId) {
      if (!secrets) {
        throw new KeysError(
          `account ${account.name}: secret ${account.secretId}: no Secrets Manager access is configured here`,
        );
      }
      return secrets.keysFor({ ...account, secretId: account.secretId }, fresh);
    }
    if (account.keysFile) {
      const path = resolve(deps.baseDir, account.keysFile);
      return readKeysFile(path, `account ${account.name}: keys file ${path}`);
    }
    const name = account.keysEnv!;
    const where = `account ${account.name}: environment variable ${name}`;
    const text = env[name];
    if (!text) throw new KeysError(`${where}: is not set`);
    return parseKeys(text, where);
  }
}

/** The keys in a JSON file; `where` names the file in every error, which never holds its content. */
export async function readKeysFile(path: string, where: string): Promise<Keys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = codeOf(error);
    throw new KeysError(`${where}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`}`);
  }
  return parseKeys(text, where);
}

/**
 * Keys for a command on a laptop: files and environment variables, and Secrets Manager (with the
 * machine's AWS credentials) only when an account names a secret.
 */
export async function createLocalKeysProvider(
  accounts: readonly AccountConfig[],
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Promise<KeysProvider> {
  if (!accounts.some((a) => a.secretId)) return createKeysProvider({ baseDir, env });
  const [{ SecretsManagerClient }, { SecretsProvider }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-lambda-powertools/parameters/secrets'),
  ]);
  return createKeysProvider({
    baseDir,
    env,
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  });
}
