import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Keys, KeysError, parseKeys } from '#binance/keys.js';
import { Signer } from '#binance/sign.js';
import { assertIsError, codeOf } from '#shared/errors.js';
import type { AccountConfig } from './schema.js';

/** The one call of Powertools' `SecretsProvider` we use, so tests can hand in one pointed at a fake. */
export interface SecretReader {
  get(name: string, options: { maxAge: number; forceFetch?: boolean }): Promise<unknown>;
}

export interface KeysProvider {
  /**
   * The account's signer. `fresh` re-reads the keys (a rotated secret after the exchange refused the
   * old key); otherwise a secret is cached for five minutes while the container is warm.
   */
  signerFor(account: AccountConfig, opts?: { fresh?: boolean }): Promise<Signer>;
}

const SECRET_MAX_AGE_S = 300;

/**
 * Keys from where the account's config says: a Secrets Manager secret, a JSON file (relative to the
 * config file) or an environment variable. Error messages name the account and the place, never a value.
 */
export function createKeysProvider(deps: {
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretReader | undefined;
}): KeysProvider {
  const env = deps.env ?? process.env;
  const signers = new Map<string, Signer>();
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
      const where = `account ${account.name}: secret ${account.secretId}`;
      if (!deps.secrets) throw new KeysError(`${where}: no Secrets Manager access is configured here`);
      let value: unknown;
      try {
        value = await deps.secrets.get(account.secretId, { maxAge: SECRET_MAX_AGE_S, forceFetch: fresh });
      } catch (error) {
        assertIsError(error);
        throw new KeysError(`${where}: cannot be read (${secretReadCause(error)})`);
      }
      if (value === undefined) throw new KeysError(`${where}: has no value`);
      return parseKeys(value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value, where);
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

/** How much of the AWS SDK's own message a keys error quotes. */
const CAUSE_CHARS = 200;

/**
 * Why a secret could not be read, as the SDK said it: Powertools wraps the SDK's error, whose name
 * (`ResourceNotFoundException`, `AccessDeniedException`) and message say why. A machine without a region
 * or credentials fails before any call with a plain `Error` (`Region is missing`) or a
 * `CredentialsProviderError`: those get what to do. The SDK's messages name the secret, never its value.
 */
export function secretReadCause(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause : error;
  const message = (cause.message.split('\n')[0] ?? '').trim().slice(0, CAUSE_CHARS);
  const said = cause.name === 'Error' || message === '' ? message || cause.name : `${cause.name}: ${message}`;
  if (/region is missing/i.test(message)) return `${said}: set AWS_REGION or a profile's region`;
  if (cause.name === 'CredentialsProviderError')
    return `${said}: no AWS credentials here (aws configure, aws sso login)`;
  return said;
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
