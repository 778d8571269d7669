import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedIo } from '#builders/cli.js';
import { telegramUpdate } from '#builders/telegram.js';
import { DEMO_STEPS } from '#cli/demo/scenario.js';
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
    const code = await main(['start', '--cycles', String(DEMO_STEPS.length), '--interval', '1'], io);
    expect(code).toBe(0);
    const shown = out.stdout;
    expect(shown).toContain('liqwatch demo');
    expect(shown).toMatch(/🟠 WARNING · demo usdm\nBTCUSDT LONG is 11\.93% from liquidation/);
    expect(shown).toMatch(
      /🔴 CRITICAL · escalated · demo usdm\n.*\n(.*\n)*\[🔇 1h\] \[🔇 until resolved\] \[☑️ Acknowledge\]/,
    );
    expect(shown).toContain('New hedge leg: ETHUSDT SHORT');
    // Deeper, under the 5 % rung, then (acknowledged) under the 3 % rung.
    expect(shown).toContain('🔴 deeper: 4.6 % from liquidation · demo usdm\nBTCUSDT LONG is 4.57% from liquidation');
    expect(shown).toContain(
      'you press [☑️ Acknowledge]\n↳ Acknowledged: repeats slow down; a new rung down is still told',
    );
    expect(shown).toMatch(
      /🔴 deeper: 2\.5 % from liquidation · demo usdm\nBTCUSDT LONG is 2\.54% .*\n☑️ acknowledged by you just now\n\[🔇 1h\] \[🔇 until resolved\]\n/,
    );
    // The exchange liquidates it: told as such, with its price and quantity, not as a quiet resolve.
    expect(shown).toContain('🔴 LIQUIDATED · demo usdm\nBTCUSDT LONG LIQUIDATED: 0.5 at 48000');
    expect(shown).not.toMatch(/RESOLVED · demo usdm\nBTCUSDT/);
    expect(shown).toContain('✅ RESOLVED · demo coinm');
    // The USDⓈ-M margin ratio climbs to a warning and to critical, saying what it takes to be safe, while
    // no leg of the book is near its own liquidation price; margin added resolves it.
    expect(shown).toContain(
      '🟠 WARNING · demo usdm\nMargin ratio 82.7 % (maintenance margin 3,061 of 3,700 USDT margin balance; liquidation at 100 %): add 672.86 USDT of margin, or reduce positions by 16 %, to be back under 70 %',
    );
    expect(shown).toContain('🔴 CRITICAL · escalated · demo usdm\nMargin ratio 86.8 %');
    expect(shown).toContain('✅ RESOLVED · demo usdm\nMargin ratio is back to 36.9 %');
    expect(shown).not.toMatch(/(ETH|BNB)USDT (LONG|SHORT) is [\d.]+% from liquidation/);
    // The Portfolio Margin account slides down the uniMMR ladder, its status following, and comes back.
    expect(shown).toMatch(
      /🟠 WARNING · demo pm-um\nuniMMR 1\.38 .*to be back over 1\.5\n\n🟠 WARNING · demo pm-um\nAccount status MARGIN_CALL/,
    );
    expect(shown).toMatch(
      /🔴 CRITICAL · escalated · demo pm-um\nuniMMR 1\.15 .*\n\n🔴 CRITICAL · escalated · demo pm-um\nAccount status REDUCE_ONLY/,
    );
    expect(shown).toContain('🔴 deeper: uniMMR 1.07 · demo pm-um');
    expect(shown).toMatch(
      /🔴 deeper: uniMMR 1\.04 · demo pm-um\n.*: liquidation is under way.*\n\n🔴 deeper: ACTIVE_LIQUIDATION · demo pm-um/,
    );
    expect(shown).toMatch(
      /✅ RESOLVED · demo pm-um\nuniMMR is back to 1\.73 .*\n\n✅ RESOLVED · demo pm-um\nAccount status is NORMAL again/,
    );
    // In that order.
    const order = [
      '11.93%',
      'escalated',
      'deeper: 4.6',
      'you press',
      'deeper: 2.5',
      'LIQUIDATED',
      'RESOLVED',
      'Margin ratio 82.7',
      'Margin ratio 86.8',
      'Margin ratio is back',
      'uniMMR 1.38',
      'uniMMR 1.15',
      'deeper: uniMMR 1.07',
      'deeper: uniMMR 1.04',
      'uniMMR is back',
    ];
    const at = order.map((t) => shown.indexOf(t));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(shown).toContain('🩺 Status');
    expect(shown).toContain('Unknown command /frobnicate. Try /help.');
    expect(out.stderr).toBe('');
  }, 60_000);

  it('within the six cycles CI runs, shows a critical alert and the liquidation', async () => {
    const { out, io } = capturedIo({ stdin: typed([], 0) });
    expect(await main(['start', '--cycles', '6', '--interval', '1'], io)).toBe(0);
    expect(out.stdout).toContain('CRITICAL');
    expect(out.stdout).toContain('LIQUIDATED');
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
