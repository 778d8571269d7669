import { z } from 'zod';
import { ParseError, parseWith, readJson } from '#shared/parse.js';

/**
 * An account's keys, as held in its Secrets Manager secret or its `--keys` file:
 * `{ apiKey, apiSecret }` for HMAC-SHA256, or `{ apiKey, privateKey[, privateKeyPassphrase] }` for an
 * Ed25519 or RSA key (told apart by the key itself). Messages about a bad secret never echo a value.
 */
export const KeysSchema = z.union([
  z.object({ apiKey: z.string().min(1, 'apiKey is empty'), apiSecret: z.string().min(1, 'apiSecret is empty') }),
  z.object({
    apiKey: z.string().min(1, 'apiKey is empty'),
    privateKey: z.string().includes('PRIVATE KEY', { message: 'privateKey is not a PEM private key' }),
    privateKeyPassphrase: z.string().optional(),
  }),
]);
export type Keys = z.infer<typeof KeysSchema>;

export class KeysError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KeysError';
  }
}

/** Parses keys from a JSON text or value; `where` names the file or secret in the error. */
export function parseKeys(input: unknown, where: string): Keys {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = readJson(input, where);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // The text may be the secret itself: say nothing of its content (a ParseError never does).
      throw new KeysError(`${where}: keys are not valid JSON`, { cause: error });
    }
  }
  try {
    return parseWith(KeysSchema, value, where);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new KeysError(
      `${where}: expected { apiKey, apiSecret } or { apiKey, privateKey[, privateKeyPassphrase] } (${error.problems.join('; ')})`,
      { cause: error },
    );
  }
}
