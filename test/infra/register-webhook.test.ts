import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#config/load.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { BOT_COMMANDS } from '#telegram/command-list.js';
import { createWebhookResourceHandler, type WebhookResourceEvent } from '#telegram/register-on-deploy.js';

const TOKEN = '987654:deploy-token-NEVER-LOGGED-AAAAAAAAAAAA';
const WEBHOOK_SECRET = 'generatedWebhookSecret0123456789abcdefABCDEF';
const URL = 'https://abc.lambda-url.eu-west-1.on.aws/';
const config = parseConfig(
  {
    accounts: [
      { name: 'main', sources: ['usdm', 'coinm'], secretId: 'liqwatch/main' },
      { name: 'pm', sources: ['pm-um'], secretId: 'liqwatch/pm' },
    ],
    telegram: {
      chatIds: [111, 222],
      chats: [{ id: -100333, threadId: 7 }],
      digest: { at: '08:00', timeZone: 'Europe/Berlin' },
    },
  },
  'test',
);
let sm: FakeSecretsManager;
let tg: FakeTelegram;
let client: SecretsManagerClient;
const logged: string[] = [];
const slept: number[] = [];

beforeAll(async () => {
  sm = await startFakeSecretsManager({});
  tg = await startFakeTelegram({ token: TOKEN });
  client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await Promise.all([sm.close(), tg.close()]);
});

const handler = () =>
  createWebhookResourceHandler({
    secrets: new SecretsProvider({ awsSdkV3Client: client }),
    apiRoot: tg.apiRoot,
    config,
    sleep: async (ms) => void slept.push(ms),
    log: {
      info: (m, ...x) => void logged.push(m + JSON.stringify(x)),
      warn: (m, ...x) => void logged.push(m + JSON.stringify(x)),
      error: (m, ...x) => void logged.push(m + JSON.stringify(x)),
    },
  });
const secretCheck = (): WebhookResourceEvent => ({
  RequestType: 'Create',
  ResourceProperties: { Check: 'secret', SecretId: 'liqwatch-telegram' },
});
const webhook = (RequestType: WebhookResourceEvent['RequestType'], ConfigHash = 'h1', old?: string) => ({
  RequestType,
  PhysicalResourceId: RequestType === 'Create' ? undefined : 'liqwatch-webhook-liqwatch-telegram',
  ResourceProperties: { WebhookUrl: URL, SecretId: 'liqwatch-telegram', ConfigHash },
  ...(old ? { OldResourceProperties: { ConfigHash: old } } : {}),
});
const greetings = () => tg.messages.filter((m) => m.text.startsWith('liqwatch is watching'));

describe('the Telegram secret check, before anything else is built', () => {
  it('stops a deploy without the secret, naming the command that puts the token in', async () => {
    await expect(handler()(secretCheck())).rejects.toThrow(
      /liqwatch-telegram cannot be read.*TELEGRAM_BOT_TOKEN=<token from @BotFather> npx liqwatch telegram put-token --secret-id liqwatch-telegram/s,
    );
  });

  it('stops a deploy whose secret holds no token, and passes once it does', async () => {
    sm.secrets.set('liqwatch-telegram', JSON.stringify({ botToken: '', webhookSecret: WEBHOOK_SECRET }));
    await expect(handler()(secretCheck())).rejects.toThrow(/holds no usable token.*put-token --secret-id/s);
    sm.secrets.set('liqwatch-telegram', JSON.stringify({ botToken: TOKEN, webhookSecret: WEBHOOK_SECRET }));
    await expect(handler()(secretCheck())).resolves.toMatchObject({
      Data: { Message: expect.stringContaining('holds a bot token') },
    });
    expect(tg.webhook).toBeNull();
  });
});

describe('the webhook registration at deploy', () => {
  it('sets the webhook and menu, and greets each chat once; a chat it cannot reach is logged, not fatal', async () => {
    // Prepare: chat 222 blocked the bot; the group's topic answers the first send with flood control.
    tg.blockChat(222);
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 3 }, { chatId: -100333 });
    // Act
    const out = await handler()(webhook('Create'));
    // Assess
    expect(out.Data.Registered).toBe('true');
    expect(tg.webhook).toEqual({ url: URL, secretToken: WEBHOOK_SECRET });
    expect(tg.myCommands).toEqual(BOT_COMMANDS);
    expect(greetings().map((m) => [m.chatId, m.messageThreadId])).toEqual([
      [111, undefined],
      [-100333, 7],
    ]);
    expect(greetings()[0]!.text).toMatch(
      /^liqwatch is watching 2 accounts on 3 sources; next digest at 08:00 Europe\/Berlin\.\nAccounts: main \(usdm, coinm\); pm \(pm-um\)\./,
    );
    expect(slept).toContain(3000);
    expect(out.Data.Message).toContain('first message sent to 2 chat(s); not reached: 222');
    expect(logged.join('\n')).toMatch(/the first message did not reach a chat.*"chatId":222/);
  });

  it('stays silent on a redeploy of the same config, and greets again when the config changed', async () => {
    await handler()(webhook('Update', 'h1', 'h1'));
    expect(greetings()).toHaveLength(2);
    await handler()(webhook('Update', 'h2', 'h1'));
    expect(greetings()).toHaveLength(4);
  });

  it('removes the webhook when the stack is deleted, and never blocks the deletion', async () => {
    await handler()(webhook('Delete'));
    expect(tg.webhook).toBeNull();
    sm.secrets.delete('liqwatch-telegram');
    await expect(handler()(webhook('Delete'))).resolves.toMatchObject({ Data: { Registered: 'false' } });
  });

  it('never logs the token or the webhook secret', () => {
    expect(logged.join('\n')).not.toContain(TOKEN);
    expect(logged.join('\n')).not.toContain(WEBHOOK_SECRET);
  });
});
