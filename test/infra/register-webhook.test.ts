import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { BOT_COMMANDS } from '#telegram/command-list.js';
import { createWebhookResourceHandler } from '#telegram/register-on-deploy.js';

const TOKEN = '987654:deploy-token-NEVER-LOGGED-AAAAAAAAAAAA';
const WEBHOOK_SECRET = 'generatedWebhookSecret0123456789abcdefABCDEF';
let sm: FakeSecretsManager;
let tg: FakeTelegram;
let client: SecretsManagerClient;
const logged: string[] = [];

beforeAll(async () => {
  sm = await startFakeSecretsManager({
    'liqwatch-telegram': JSON.stringify({ botToken: '', webhookSecret: WEBHOOK_SECRET }),
  });
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
    log: {
      info: (m, ...x) => void logged.push(m + JSON.stringify(x)),
      warn: (m, ...x) => void logged.push(m + JSON.stringify(x)),
      error: (m, ...x) => void logged.push(m + JSON.stringify(x)),
    },
  });
const event = (RequestType: 'Create' | 'Update' | 'Delete') => ({
  RequestType,
  ResourceProperties: { WebhookUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', SecretId: 'liqwatch-telegram' },
});

describe('the webhook registration at deploy', () => {
  it('succeeds without a token yet and says what to do', async () => {
    const out = await handler()(event('Create'));
    expect(out.Data).toEqual({ Registered: 'false', Message: expect.stringContaining('put it in and deploy again') });
    expect(tg.webhook).toBeNull();
  });

  it('once the token is in the secret, sets the webhook with its secret token and the command menu', async () => {
    sm.secrets.set('liqwatch-telegram', JSON.stringify({ botToken: TOKEN, webhookSecret: WEBHOOK_SECRET }));
    const out = await handler()(event('Update'));
    expect(out.Data.Registered).toBe('true');
    expect(tg.webhook).toEqual({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', secretToken: WEBHOOK_SECRET });
    expect(tg.myCommands).toEqual(BOT_COMMANDS);
    expect(logged.join('\n')).not.toContain(TOKEN);
    expect(logged.join('\n')).not.toContain(WEBHOOK_SECRET);
  });

  it('removes the webhook when the stack is deleted', async () => {
    await handler()(event('Delete'));
    expect(tg.webhook).toBeNull();
  });
});
