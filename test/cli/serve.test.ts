import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdate } from '#builders/telegram.js';
import { main } from '#cli/main.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { BOT_COMMANDS } from '#telegram/command-list.js';

const TOKEN = '424242:serve-test-token-AAAAAAAAAAAAAAAAAAAAAA';
const SECRET = 'serve_test_webhook_secret_0123456789';
let tg: FakeTelegram;
let dir: string;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_test_bot' });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-serve-'));
  await writeFile(join(dir, 'keys.json'), JSON.stringify({ apiKey: 'k', apiSecret: 's' }));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'keys.json' }],
      telegram: { chatIds: [42], botUsername: 'liqwatch_test_bot' },
    }),
  );
});
afterAll(async () => {
  await tg.close();
  await rm(dir, { recursive: true, force: true });
});

describe('self-hosting: liqwatch serve and liqwatch telegram set-webhook', () => {
  it('serves the webhook; set-webhook registers it with its secret and the commands; Telegram updates are answered', async () => {
    let stdout = '';
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: tg.apiRoot,
      LIQWATCH_CONFIG: join(dir, 'config.json'),
    };
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: () => {},
      env,
      cwd: dir,
      stopped,
    };
    const serving = main(['serve', '--port', '0'], io);
    await expect.poll(() => stdout, { timeout: 5_000 }).toMatch(/listening on (http:\/\/\S+)/);
    const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;

    expect(await main(['telegram', 'set-webhook', '--url', url], io)).toBe(0);
    expect(tg.webhook).toEqual({ url, secretToken: SECRET });
    expect(tg.myCommands).toEqual(BOT_COMMANDS);

    const answer = await tg.deliverToWebhook(telegramUpdate.command('/help', { id: 42 }));
    expect(answer.status).toBe(200);
    expect(tg.messagesTo(42).at(-1)?.text).toContain('warns you before a position is liquidated');

    const forged = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(telegramUpdate.command('/help', { id: 42 })),
    });
    expect(forged.status).toBe(401);

    stop();
    expect(await serving).toBe(0);
  });

  it('says which variable is missing', async () => {
    let stderr = '';
    const code = await main(['serve'], {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      env: {},
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('set TELEGRAM_BOT_TOKEN');
  });
});

describe('liqwatch telegram put-token', () => {
  it("writes the token into the stack's secret and keeps the webhook secret; the token never reaches the output", async () => {
    const { startFakeSecretsManager } = await import('#fakes/secrets-manager/index.js');
    const sm = await startFakeSecretsManager({
      'Telegram-abc': JSON.stringify({ botToken: '', webhookSecret: 'w'.repeat(32) }),
    });
    let out = '';
    const io = {
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        out += t;
      },
      env: {},
      cwd: dir,
    };
    const env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect(await main(['telegram', 'put-token', '--secret-id', 'Telegram-abc'], { ...io, env })).toBe(0);
    } finally {
      process.env = saved;
      await sm.close();
    }
    expect(JSON.parse(sm.secrets.get('Telegram-abc')!)).toEqual({ botToken: TOKEN, webhookSecret: 'w'.repeat(32) });
    expect(out).toContain('Deploy again');
    expect(out).not.toContain(TOKEN);
  });
});
