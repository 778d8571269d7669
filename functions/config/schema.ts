import { z } from 'zod';
import { SOURCE_IDS } from '../core/position.js';

/*
 * The config file (`liqwatch.config.json`, or inline JSON in LIQWATCH_CONFIG). One schema, used at
 * `cdk synth`, at start-up and by `liqwatch config validate`. Every field is documented in the README.
 */

const SourceIdSchema = z.enum(SOURCE_IDS);

const AccountSchema = z
  .object({
    /** How alerts and commands name the account. */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
        'use 1-40 letters, digits, "_", "." or "-", starting with a letter or digit',
      ),
    /** The sources read for this account. */
    sources: z
      .array(SourceIdSchema)
      .min(1, 'name at least one source')
      .refine((s) => new Set(s).size === s.length, {
        message: 'a source is listed twice',
      }),
    /** Secrets Manager secret (name or ARN) that holds the keys (deployed). */
    secretId: z.string().min(1).optional(),
    /** A JSON file with the keys, relative to the config file (laptop). */
    keysFile: z.string().min(1).optional(),
    /** An environment variable that holds the keys' JSON (laptop, CI). */
    keysEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, such as LIQWATCH_KEYS_MAIN')
      .optional(),
  })
  .strict()
  .refine((a) => [a.secretId, a.keysFile, a.keysEnv].filter((k) => k !== undefined).length === 1, {
    message: 'give exactly one of secretId, keysFile or keysEnv',
  });

const EndpointsSchema = z
  .object(
    Object.fromEntries(
      SOURCE_IDS.map((id) => [
        id,
        z
          .url({ protocol: id === 'usdm-ws' ? /^wss?$/ : /^https?$/ })
          .optional()
          .describe(id === 'usdm-ws' ? 'a ws(s) URL' : 'an http(s) base URL'),
      ]),
    ) as Record<(typeof SOURCE_IDS)[number], z.ZodOptional<z.ZodURL>>,
  )
  .strict();

export const ConfigSchema = z
  .object({
    accounts: z
      .array(AccountSchema)
      .min(1, 'configure at least one account')
      .refine((a) => new Set(a.map((x) => x.name)).size === a.length, { message: 'account names must be unique' }),
    /** Replaces the exchange's endpoints per source (a testnet, a simulator, a proxy). */
    endpoints: EndpointsSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type AccountConfig = Config['accounts'][number];
