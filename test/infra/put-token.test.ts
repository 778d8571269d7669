import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedIo } from '#builders/cli.js';
import { runPutTokenCommand } from '#cli/telegram-token.js';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';

const TOKEN = '123456:first-token-NEVER-PRINTED-AAAAAAAAAA';
const RENEWED = '123456:renewed-token-NEVER-PRINTED-BBBBBBBB';
let sm: FakeSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startFakeSecretsManager({
    'liqwatch/main': JSON.stringify({ apiKey: 'k', apiSecret: 's' }),
  });
  client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});

const putToken = async (token: string, secretId?: string) => {
  const { io, out } = capturedIo({ env: { TELEGRAM_BOT_TOKEN: token } });
  const code = await runPutTokenCommand(secretId ? { secretId } : {}, io, { client });
  return { code, ...out };
};
const stored = (name: string) => TelegramSecretSchema.parse(JSON.parse(sm.secrets.get(name) ?? 'null'));

describe('liqwatch telegram put-token, before the first deploy and after', () => {
  it('creates liqwatch/telegram with the token and a generated webhook secret when it does not exist', async () => {
    const run = await putToken(TOKEN);
    expect(run.code).toBe(0);
    expect(stored('liqwatch/telegram')).toEqual({ botToken: TOKEN, webhookSecret: expect.stringMatching(/^.{48}$/) });
    expect(run.stdout).toContain('Created liqwatch/telegram');
    expect(run.stdout).toContain('npx cdk deploy');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('updates the token of an existing secret and keeps its webhook secret, so the webhook stays valid', async () => {
    const before = stored('liqwatch/telegram').webhookSecret;
    const run = await putToken(RENEWED);
    expect(stored('liqwatch/telegram')).toEqual({ botToken: RENEWED, webhookSecret: before });
    expect(run.stdout).toContain('webhook secret is kept');
    expect(run.stdout + run.stderr).not.toContain(RENEWED);
  });

  it('names the context flag a deploy needs when the secret has another name', async () => {
    const run = await putToken(TOKEN, 'team/liqwatch-bot');
    expect(stored('team/liqwatch-bot').botToken).toBe(TOKEN);
    expect(run.stdout).toContain('npx cdk deploy -c telegramSecret=team/liqwatch-bot');
  });

  it("refuses to write into an account's keys secret, and a token that is not one, without echoing it", async () => {
    await expect(putToken(TOKEN, 'liqwatch/main')).rejects.toThrow(/is it the Telegram secret\?/);
    expect(JSON.parse(sm.secrets.get('liqwatch/main')!)).toEqual({ apiKey: 'k', apiSecret: 's' });
    const bad = 'not-a-token-NEVER-PRINTED';
    await expect(putToken(bad)).rejects.toThrow(/TELEGRAM_BOT_TOKEN is not a bot token/);
    await expect(putToken(bad)).rejects.not.toThrow(bad);
  });
});
