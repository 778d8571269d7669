import { type Keys, KeysError, parseKeys } from '#binance/keys.js';
import { assertIsError } from '#shared/errors.js';
import { ParseError, readJson } from '#shared/parse.js';

/** The one call of Powertools' `SecretsProvider` we use, so tests can hand in one pointed at a fake. */
export interface SecretReader {
  get(name: string, options: { maxAge: number; forceFetch?: boolean }): Promise<unknown>;
}

const SECRET_MAX_AGE_S = 300;

/** An account whose keys are in Secrets Manager, as the config names them. */
export interface SecretAccount {
  name: string;
  secretId: string;
  secretKey?: string | undefined;
}

/**
 * Accounts' keys in Secrets Manager: a whole secret, or the key set an account's `secretKey` names in a
 * secret of named key sets, so that many accounts share one secret. Powertools' cache serves a secret
 * only once a read of it has finished, and a cycle asks for every account's keys at once: without the
 * sharing here, 200 accounts in one secret would start 200 reads. A read in flight is joined (a fresh one
 * only by fresh asks, since a cached read may hold the key the exchange just refused), and a value's JSON
 * is parsed once.
 */
export function createAccountSecrets(reader: SecretReader) {
  const inFlight = new Map<string, Promise<unknown>>();
  const parsed = new Map<string, { text: string; value: unknown }>();

  function fetch(secretId: string, fresh: boolean): Promise<unknown> {
    const key = (f: boolean) => `${f ? 'fresh' : 'cached'} ${secretId}`;
    const joined = inFlight.get(key(true)) ?? (fresh ? undefined : inFlight.get(key(false)));
    if (joined) return joined;
    const read = reader
      .get(secretId, { maxAge: SECRET_MAX_AGE_S, forceFetch: fresh })
      .finally(() => inFlight.delete(key(fresh)));
    inFlight.set(key(fresh), read);
    return read;
  }

  /** The secret's value as JSON; `where` names the account and secret in every error. */
  async function read(secretId: string, fresh: boolean, where: string): Promise<unknown> {
    let value: unknown;
    try {
      value = await fetch(secretId, fresh);
    } catch (error) {
      assertIsError(error);
      throw new KeysError(`${where}: cannot be read (${secretReadCause(error)})`);
    }
    if (value === undefined) throw new KeysError(`${where}: has no value`);
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) return value;
    const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    const last = parsed.get(secretId);
    if (last?.text === text) return last.value;
    const json = parseSecretJson(text, where);
    parsed.set(secretId, { text, value: json });
    return json;
  }

  return {
    /** The account's keys; `fresh` reads the secret again, past the cache (a key may have been rotated). */
    async keysFor(account: SecretAccount, fresh: boolean): Promise<Keys> {
      const where = `account ${account.name}: secret ${account.secretId}`;
      const value = await read(account.secretId, fresh, where);
      return account.secretKey === undefined ? parseKeys(value, where) : namedKeys(value, account.secretKey, where);
    },
  };
}

function parseSecretJson(text: string, where: string): unknown {
  try {
    return readJson(text, where);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    // The text is the secret itself: say nothing of its content (a ParseError never does).
    throw new KeysError(`${where}: keys are not valid JSON`, { cause: error });
  }
}

/**
 * The key set `name` of a secret of named key sets (`{ "main": { apiKey, … }, "alt": { … } }`). A name the
 * secret lacks is an error naming the secret and the name; the secret's other names and values stay out.
 */
function namedKeys(value: unknown, name: string, where: string): Keys {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeysError(`${where}: secretKey "${name}" needs a JSON object of named key sets`);
  }
  if (!Object.hasOwn(value, name)) {
    const single = Object.hasOwn(value, 'apiKey');
    throw new KeysError(
      single
        ? `${where}: holds one key set, not named ones, so has no key set "${name}" (remove secretKey, or store { "${name}": { "apiKey": … } })`
        : `${where}: has no key set "${name}"`,
    );
  }
  return parseKeys((value as Record<string, unknown>)[name], `${where}, key set "${name}"`);
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
