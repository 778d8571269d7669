import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdate } from '#builders/telegram.js';
import { main } from '#cli/main.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { BOT_COMMANDS } from '#telegram/command-list.js';
import { SECRET_HEADER } from '#telegram/handler.js';

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

/** `liqwatch serve --port 0` in-process against the stand-in: its URL, its environment, and a way to stop it. */
async function startServe() {
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
  let serving!: Promise<number>;
  const url = await new Promise<string>((resolve, reject) => {
    const stdout = (t: string) => {
      const found = /listening on (http:\/\/\S+)/.exec(t)?.[1];
      if (found) resolve(found);
    };
    serving = main(['serve', '--port', '0'], { stdout, stderr: () => {}, env, cwd: dir, stopped });
    serving.then((code) => reject(new Error(`serve stopped before listening, status ${code}`)), reject);
  });
  return {
    url,
    env,
    stop: () => {
      stop();
      return serving;
    },
  };
}

describe('self-hosting: liqwatch serve and liqwatch telegram set-webhook', () => {
  it('serves the webhook; set-webhook registers it with its secret and the commands; Telegram updates are answered', async () => {
    const serve = await startServe();
    const { url } = serve;
    const io = { stdout: () => {}, stderr: () => {}, env: serve.env, cwd: dir };

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

    expect(await serve.stop()).toBe(0);
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

describe('liqwatch serve and a body it should not read', () => {
  const MiB = 1024 * 1024;
  const LARGE = 64 * MiB;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let url: string;
  let port: number;
  const agent = new Agent({ keepAliveTimeout: 10 });
  /** The server's side of each connection to the webhook, to read how many bytes it took off the wire. */
  const serverSockets: Socket[] = [];
  const onRequest = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    if (socket.localPort === port) serverSockets.push(socket);
  };

  beforeAll(async () => {
    serve = await startServe();
    url = serve.url;
    port = Number(new URL(url).port);
    subscribe('http.server.request.start', onRequest);
  });
  afterAll(async () => {
    unsubscribe('http.server.request.start', onRequest);
    expect(await serve.stop()).toBe(0);
    await agent.close();
  });

  /** POSTs `LARGE` bytes, made only as the client pulls them; says how many were made when the answer came. */
  async function postLarge(headers: Record<string, string>) {
    let made = 0;
    async function* body() {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      while (made < LARGE) {
        made += chunk.length;
        yield chunk;
      }
    }
    const before = serverSockets.length;
    const res = await request(url, { method: 'POST', body: Readable.from(body()), headers, dispatcher: agent });
    const madeWhenAnswered = made;
    await res.body.text();
    const socket = serverSockets[before]!;
    // The server closes the connection it refused; its count of bytes read is final then.
    if (!socket.destroyed) await once(socket, 'close');
    return { status: res.statusCode, madeWhenAnswered, serverRead: socket.bytesRead };
  }

  it('refuses a request without the secret with 401 before reading its body', async () => {
    const answer = await postLarge({ 'content-type': 'application/json' });
    expect(answer.status).toBe(401);
    expect(answer.serverRead).toBeLessThan(MiB);
    expect(answer.madeWhenAnswered).toBeLessThan(LARGE);
  });

  it('refuses a wrong secret the same way', async () => {
    const answer = await postLarge({ 'content-type': 'application/json', [SECRET_HEADER]: `${SECRET}x` });
    expect(answer.status).toBe(401);
    expect(answer.serverRead).toBeLessThan(MiB);
  });

  it('refuses a body declared larger than an update can be with 413, unread', async () => {
    const answer = await postLarge({
      'content-type': 'application/json',
      'content-length': String(LARGE),
      [SECRET_HEADER]: SECRET,
    });
    expect(answer.status).toBe(413);
    expect(answer.serverRead).toBeLessThan(MiB);
    expect(answer.madeWhenAnswered).toBeLessThan(LARGE);
  });

  it('stops reading a body sent without a length once it passes 1 MiB, with 413', async () => {
    const answer = await postLarge({ 'content-type': 'application/json', [SECRET_HEADER]: SECRET });
    expect(answer.status).toBe(413);
    expect(answer.serverRead).toBeLessThan(2 * MiB);
    expect(answer.madeWhenAnswered).toBeLessThan(LARGE);
  });

  it('still answers an update of the normal size', async () => {
    const before = tg.messagesTo(42).length;
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
      body: JSON.stringify(telegramUpdate.command('/help', { id: 42 })),
      dispatcher: agent,
    });
    await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(tg.messagesTo(42)).toHaveLength(before + 1);
    expect(tg.messagesTo(42).at(-1)?.text).toContain('warns you before a position is liquidated');
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
    expect(out).toContain('npx cdk deploy');
    expect(out).not.toContain(TOKEN);
  });
});
