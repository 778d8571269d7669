import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedIo } from '#builders/cli.js';
import { telegramUpdate } from '#builders/telegram.js';
import { main } from '#cli/main.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';

/** Lines typed in the terminal, one after each `gapMs`. */
async function* typed(lines: string[], gapMs: number) {
  for (const line of lines) {
    await new Promise((r) => setTimeout(r, gapMs));
    yield line;
  }
}

describe('npm start (the demo)', () => {
  it('tells the story in the terminal and answers chat commands typed on standard input', async () => {
    const { out, io } = capturedIo({ stdin: typed(['/status', '/frobnicate'], 300) });
    const code = await main(['start', '--cycles', '5', '--interval', '1'], io);
    expect(code).toBe(0);
    expect(out.stdout).toContain('liqwatch demo');
    expect(out.stdout).toMatch(/🟠 WARNING · demo usdm\nBTCUSDT LONG is 11\.93% from liquidation/);
    expect(out.stdout).toMatch(/🔴 CRITICAL · escalated · demo usdm/);
    expect(out.stdout).toContain('New hedge leg: ETHUSDT SHORT');
    expect(out.stdout).toContain('🩺 Status');
    expect(out.stdout).toContain('Unknown command /frobnicate. Try /help.');
    expect(out.stderr).toBe('');
  }, 30_000);

  it('stops cleanly when asked (Ctrl-C)', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const { out, io } = capturedIo({ stopped, stdin: typed([], 0) });
    const running = main(['start', '--interval', '60'], io);
    await expect.poll(() => out.stdout, { timeout: 10_000 }).toContain('baseline');
    stop();
    expect(await running).toBe(0);
  }, 30_000);
});

describe('npm start -- --config (real accounts on a laptop)', () => {
  const TOKEN = '8080:laptop-token-AAAAAAAAAAAAAAAAAAAAAAAAA';
  let sim: ExchangeSimulator;
  let tg: FakeTelegram;
  let dir: string;

  beforeAll(async () => {
    sim = await startExchangeSimulator({
      accounts: [
        {
          name: 'main',
          apiKey: 'laptop-key',
          apiSecret: 'laptop-secret',
          positions: {
            usdm: [
              { symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 50_000, markPrice: 50_000, liquidationPrice: 47_500 },
            ],
          },
        },
      ],
    });
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_laptop_bot' });
    dir = await mkdtemp(join(tmpdir(), 'liqwatch-start-'));
    await writeFile(
      join(dir, 'liqwatch.config.json'),
      JSON.stringify({
        accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'MAIN_KEYS' }],
        telegram: { chatIds: [42], digest: { enabled: false } },
        endpoints: { usdm: sim.url },
      }),
    );
  });
  afterAll(async () => {
    await Promise.all([sim.close(), tg.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('with TELEGRAM_BOT_TOKEN the alerts go to Telegram and the bot answers by long polling', async () => {
    const { out, io } = capturedIo({
      cwd: dir,
      env: {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: tg.apiRoot,
        MAIN_KEYS: JSON.stringify({ apiKey: 'laptop-key', apiSecret: 'laptop-secret' }),
      },
    });
    setTimeout(() => tg.pushUpdate(telegramUpdate.command('/help', { id: 42 })), 500);
    const code = await main(['start', '--config', 'liqwatch.config.json', '--cycles', '3', '--interval', '1'], io);
    expect(code).toBe(0);
    expect(out.stdout).toContain('the bot answers on Telegram');
    const texts = tg.messagesTo(42).map((m) => m.text);
    expect(texts.some((t) => t.includes('🔴 <b>CRITICAL</b> · main usdm'))).toBe(true);
    expect(texts.some((t) => t.includes('warns you before a position is liquidated'))).toBe(true);
    expect(tg.myCommands.length).toBeGreaterThan(0);
  }, 30_000);
});
