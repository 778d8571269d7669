import { Telegram } from 'telegraf';
import type { SecretReader } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import { type TelegramSecret, TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import { describeIssues, readJson } from '#shared/parse.js';
import { boundBotApiCalls } from './bounded-calls.js';
import { greetChats } from './deploy-greeting.js';
import { registerWebhook } from './webhook.js';

interface WebhookProperties {
  SecretId: string;
  /** `secret`: the check that runs before the rest of the stack is built. */
  Check?: string;
  WebhookUrl?: string;
  /** A hash of the deployed config: the chats are greeted when it changes. */
  ConfigHash?: string;
}

/** The custom resource event the CDK provider framework passes on (the fields we read). */
export interface WebhookResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: WebhookProperties;
  OldResourceProperties?: Partial<WebhookProperties>;
}

export interface WebhookResourceResult {
  PhysicalResourceId: string;
  Data: { Registered: string; Message: string };
}

export interface WebhookResourceDeps {
  secrets: SecretReader;
  apiRoot?: string | undefined;
  log: Log;
  /** The deployed config; its chats get the first message. */
  config?: Config | undefined;
  /** @default a real timer */
  sleep?: (ms: number) => Promise<void>;
  /** @default the epoch ms clock: greeting stops starting new sends a minute in, well inside the timeout */
  now?: () => number;
}

/** No Bot API call waits longer, so the greeting fits in the function's timeout. */
const CALL_TIMEOUT_MS = 10_000;
const GREETING_BUDGET_MS = 60_000;

/** What a deploy without the secret, or without a token in it, stops with: the command that fixes it. */
export function putTokenFirst(secretId: string, why: string): Error {
  return new Error(
    `The Telegram secret ${secretId} ${why}. Put the bot token in first: ` +
      `TELEGRAM_BOT_TOKEN=<token from @BotFather> npx liqwatch telegram put-token --secret-id ${secretId} ; then deploy again.`,
  );
}

/**
 * At deploy, on one function. The secret check (`Check: secret`) fails the deploy, before anything is
 * built, when the Telegram secret is missing or holds no token. The webhook resource points Telegram at
 * the Function URL with the secret token and registers the command menu on every deploy (a token renewed
 * since is picked up), and, on the first deploy and each one that changes the config, sends each chat
 * one first message; a redeploy of the same config stays silent. On stack deletion the webhook is
 * removed, and a failure to do so never blocks the deletion.
 */
export function createWebhookResourceHandler(deps: WebhookResourceDeps) {
  return async (event: WebhookResourceEvent): Promise<WebhookResourceResult> => {
    const props = event.ResourceProperties;
    const kind = props.Check === 'secret' ? 'secret-check' : 'webhook';
    const id = event.PhysicalResourceId ?? `liqwatch-${kind}-${props.SecretId.split(':').at(-1)}`;
    const done = (registered: boolean, message: string) => ({
      PhysicalResourceId: id,
      Data: { Registered: String(registered), Message: message },
    });
    if (event.RequestType === 'Delete') {
      if (kind === 'webhook') await removeWebhook(deps, props.SecretId);
      return done(false, 'Removed.');
    }
    const secret = await readTelegramSecret(deps.secrets, props.SecretId);
    if (kind === 'secret-check') return done(false, `The Telegram secret ${props.SecretId} holds a bot token.`);

    const telegram = botApi(deps, secret.botToken);
    const url = props.WebhookUrl ?? '';
    await registerWebhook(telegram, url, secret.webhookSecret);
    deps.log.info('webhook registered', { url });
    const configChanged =
      event.RequestType === 'Create' || event.OldResourceProperties?.ConfigHash !== props.ConfigHash;
    if (!deps.config || !configChanged) return done(true, `Webhook set to ${url}`);
    const now = deps.now ?? Date.now;
    const deadline = now() + GREETING_BUDGET_MS;
    const { sent, failed } = await greetChats(deps.config, {
      telegram,
      log: deps.log,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now,
      token: secret.botToken,
      outOfTime: () => now() > deadline,
    });
    const unreached = failed.length > 0 ? `; not reached: ${failed.join(', ')} (see the log)` : '';
    return done(true, `Webhook set to ${url}; first message sent to ${sent} chat(s)${unreached}`);
  };
}

/** The secret, read fresh, or an error that names the command to run. Its values never reach a message. */
async function readTelegramSecret(secrets: SecretReader, secretId: string): Promise<TelegramSecret> {
  let raw: unknown;
  try {
    raw = await secrets.get(secretId, { maxAge: 0, forceFetch: true });
  } catch (error) {
    // A missing secret reads as AccessDenied too: the grant names the secret's ARN, which a missing one has not.
    throw putTokenFirst(secretId, `cannot be read (${messageOf(error)}): does it exist in this region?`);
  }
  let value: unknown;
  try {
    value = typeof raw === 'string' ? readJson(raw, `secret ${secretId}`) : raw;
  } catch {
    throw putTokenFirst(secretId, 'does not hold JSON');
  }
  const parsed = TelegramSecretSchema.safeParse(value);
  if (!parsed.success) throw putTokenFirst(secretId, `holds no usable token (${describeIssues(parsed.error)})`);
  return parsed.data;
}

async function removeWebhook(deps: WebhookResourceDeps, secretId: string): Promise<void> {
  let token = '';
  try {
    token = (await readTelegramSecret(deps.secrets, secretId)).botToken;
    await botApi(deps, token).deleteWebhook();
  } catch (error) {
    deps.log.warn('the webhook was not removed; the stack is deleted all the same', {
      secretId,
      reason: token ? messageOf(error).replaceAll(token, '[token]') : messageOf(error),
    });
  }
}

function botApi(deps: WebhookResourceDeps, token: string): Telegram {
  const telegram = new Telegram(token, deps.apiRoot ? { apiRoot: deps.apiRoot } : {});
  boundBotApiCalls(telegram, CALL_TIMEOUT_MS, (ms) => AbortSignal.timeout(ms));
  return telegram;
}
