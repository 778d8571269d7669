import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedIo, runCli } from '#builders/cli.js';
import { main } from '#cli/main.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { eventually } from '../binance/scenario.js';

/*
 * `liqwatch watch --config`: a trader without AWS gets second-level alerts on a laptop. The exchange is the
 * simulator, its market and user data streams included; the terminal is the chat.
 */

const KEYS = JSON.stringify({ apiKey: 'watch-cli-key', apiSecret: 'watch-cli-secret' });
let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        apiKey: 'watch-cli-key',
        apiSecret: 'watch-cli-secret',
        positions: {
          usdm: [
            { symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 50_000, markPrice: 50_000, liquidationPrice: 40_000 },
          ],
        },
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-watch-'));
  await writeFile(
    join(dir, 'liqwatch.config.json'),
    JSON.stringify({
      accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'MAIN_KEYS' }],
      telegram: { chatIds: [42], digest: { enabled: false } },
      endpoints: { usdm: sim.url, usdmMarket: sim.wsMarketUrl('usdm'), usdmPrivate: sim.userStreamUrl('usdm') },
    }),
  );
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('liqwatch watch', () => {
  it('holds the streams: a move into the warning band is told in the terminal within seconds, not at the next minute', async () => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    // Nothing is typed in the terminal; its input ends when the command is stopped.
    const nothingTyped: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await stopped;
          return { done: true, value: undefined };
        },
      }),
    };
    const { out, io } = capturedIo({ cwd: dir, env: { MAIN_KEYS: KEYS }, stopped, stdin: nothingTyped });
    // The accounts are read every minute (`--interval 60`): only the stream can tell the move sooner.
    const running = main(['watch', '--config', 'liqwatch.config.json', '--interval', '60'], io);
    try {
      await eventually(() => sim.marketSubscriptions('usdm').length > 0, 5_000, 'BTCUSDT followed');
      const moved = Date.now();
      sim.updatePositions('main', 'usdm', ([leg]) => [{ ...leg!, markPrice: 46_500 }]);
      // Seconds, on a loaded machine too; the next read would be a minute away.
      await eventually(() => out.stdout.includes('WARNING'), 10_000, 'the warning printed');
      expect(Date.now() - moved).toBeLessThan(10_000);
      expect(out.stdout).toContain("holding the exchange's streams");
    } finally {
      stop();
    }
    expect(await running).toBe(0);
  }, 20_000);

  it('needs the accounts to watch', async () => {
    const run = await runCli(['watch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give --config <file>');
  });
});
