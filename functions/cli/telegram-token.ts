import { randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { DEFAULT_TELEGRAM_SECRET_NAME, TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { readJson } from '#shared/parse.js';
import { type CliIo, requireEnv, UsageError } from './io.js';

/** What the command needs of the outside world; a test passes a client pointed at a stand-in. */
export interface PutTokenDeps {
  client?: SecretsManagerClient;
  /** A new webhook secret (48 of A-Z a-z 0-9 _ -, as the Bot API allows for `secret_token`). */
  newWebhookSecret?: () => string;
}

/** The secret as stored: its webhook secret is kept, as are fields someone added. */
const StoredSecretSchema = z.looseObject({ botToken: z.unknown().optional(), webhookSecret: z.unknown().optional() });

/**
 * `liqwatch telegram put-token [--secret-id <name>]`: puts TELEGRAM_BOT_TOKEN into the Telegram secret
 * (default `liqwatch/telegram`), before the first deploy or after a token was renewed. A secret that does
 * not exist is created with a generated webhook secret; one that does keeps its webhook secret, so the
 * registered webhook stays valid. The token is read from the environment, never from the command line
 * (which shells keep in their history), and never printed.
 */
export async function runPutTokenCommand(
  o: { secretId?: string },
  io: CliIo,
  deps: PutTokenDeps = {},
): Promise<number> {
  const secretId = o.secretId || DEFAULT_TELEGRAM_SECRET_NAME;
  const token = requireEnv(io, 'TELEGRAM_BOT_TOKEN');
  if (!TelegramSecretSchema.shape.botToken.safeParse(token).success) {
    throw new UsageError('TELEGRAM_BOT_TOKEN is not a bot token from @BotFather (digits:letters)');
  }
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = deps.client ?? new SecretsManagerClient({});
  let outcome: 'created' | 'updated';
  try {
    outcome = await putTelegramToken(client, secretId, token, deps.newWebhookSecret ?? newWebhookSecret);
  } catch (error) {
    if (error instanceof Error && /region is missing/i.test(error.message)) {
      throw new UsageError('set AWS_REGION (or a profile region) to the region you deploy to');
    }
    throw error;
  } finally {
    if (!deps.client) client.destroy();
  }
  const adopt = secretId === DEFAULT_TELEGRAM_SECRET_NAME ? '' : ` -c telegramSecret=${secretId}`;
  io.stdout(
    outcome === 'created'
      ? `Created ${secretId} with the bot token and a new webhook secret. Next: the config, then npx cdk deploy${adopt}.\n`
      : `Bot token updated in ${secretId}; its webhook secret is kept. Run npx cdk deploy${adopt} to register the webhook with it.\n`,
  );
  return 0;
}

/**
 * Creates the secret, or updates its token keeping the rest. The SDK is imported on use, so the other
 * commands start without it.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 */
export async function putTelegramToken(
  client: SecretsManagerClient,
  secretId: string,
  botToken: string,
  generate: () => string = newWebhookSecret,
): Promise<'created' | 'updated'> {
  const { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId })).catch((error: unknown) => {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  });
  if (current === null) {
    await client.send(
      new CreateSecretCommand({
        Name: secretId,
        Description: 'liqwatch: the Telegram bot token and the webhook secret token',
        SecretString: JSON.stringify({ botToken, webhookSecret: generate() }),
      }),
    );
    return 'created';
  }
  const stored = StoredSecretSchema.safeParse(safeJson(current.SecretString ?? '', secretId));
  if (!stored.success)
    throw new UsageError(`secret ${secretId} does not hold a JSON object: is it the Telegram secret?`);
  const { webhookSecret, ...rest } = stored.data;
  const kept = TelegramSecretSchema.shape.webhookSecret.safeParse(webhookSecret);
  if (!kept.success && Object.keys(rest).some((k) => k !== 'botToken')) {
    // An account's keys secret given by mistake: refuse rather than write a token beside API keys.
    throw new UsageError(`secret ${secretId} holds other fields and no webhookSecret: is it the Telegram secret?`);
  }
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      SecretString: JSON.stringify({ ...rest, botToken, webhookSecret: kept.success ? kept.data : generate() }),
    }),
  );
  return 'updated';
}

function safeJson(text: string, secretId: string): unknown {
  try {
    return readJson(text, `secret ${secretId}`);
  } catch {
    return undefined;
  }
}

function newWebhookSecret(): string {
  return randomBytes(36).toString('base64url');
}
