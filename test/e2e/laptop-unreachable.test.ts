import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';
import { DEMO_ACCOUNT, DEMO_STEPS, demoAccount } from '#cli/demo/scenario.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';

/*
 * The laptop: `liqwatch check` with a bot token, against the exchange simulator and the Telegram
 * stand-in. A chat that blocked the bot must be said on stderr, not only swallowed into a log.
 */

const API_KEY = 'laptop-api-key-0000000000000000000000000000000000000000000000000000';
const SECRET = 'laptop-secret-NEVER-PRINTED-111111111111111111111111111111111111111';
const TOKEN = '515151:laptop-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const BLOCKED = 7001;
const OTHER = 7002;

let sim: ExchangeSimulator;
let tg: FakeTelegram;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ accounts: [demoAccount(API_KEY, SECRET)] });
  // The demo's second step: a USDⓈ-M leg 12 % from liquidation, a warning.
  sim.setPositions(DEMO_ACCOUNT, 'usdm', DEMO_STEPS[1]!.positions.usdm!);
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_laptop_bot' });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-laptop-'));
  await writeFile(join(dir, 'keys.json'), JSON.stringify({ apiKey: API_KEY, apiSecret: SECRET }));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      accounts: [{ name: DEMO_ACCOUNT, sources: ['usdm'], keysFile: 'keys.json' }],
      telegram: { chatIds: [BLOCKED, OTHER], botUsername: 'liqwatch_laptop_bot', digest: { enabled: false } },
      endpoints: { usdm: sim.url },
    }),
  );
});
afterAll(async () => {
  await Promise.all([sim.close(), tg.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('liqwatch check with a bot token', () => {
  it('says on stderr that a chat no longer receives alerts, and delivers to the others', async () => {
    tg.blockChat(BLOCKED);
    const run = await runCli(['check', '--config', 'config.json', '--once'], {
      cwd: dir,
      env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot },
    });
    expect(run.stderr).toMatch(
      new RegExp(
        `liqwatch check: chat ${BLOCKED} no longer receives alerts \\(Telegram: 403 Forbidden: bot was blocked`,
      ),
    );
    expect(tg.messagesTo(OTHER)).toHaveLength(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  });
});
