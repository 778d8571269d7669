import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, capturedIo, runCli } from '#builders/cli.js';
import { type CheckCommandOptions, runCheckCommand } from '#cli/check.js';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { LOCK_FILE, lockStateDir } from '#store/state-dir-lock.js';

const API_KEY = 'cli-check-api-key-000000000000000000000000000000000000000000000000';
const SECRET = 'cli-check-secret-NEVER-PRINTED-11111111111111111111111111111111111';

let sim: ExchangeSimulator;
let dir: string;

/** A leg 6 % from liquidation: critical. */
const critical: SimPosition = {
  symbol: 'BTCUSDT',
  positionAmt: 1,
  entryPrice: 50_000,
  markPrice: 50_000,
  liquidationPrice: 47_000,
  leverage: 5,
};

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        apiKey: API_KEY,
        apiSecret: SECRET,
        positions: {
          usdm: [
            {
              symbol: 'BTCUSDT',
              positionAmt: 1,
              entryPrice: 50_000,
              markPrice: 50_000,
              liquidationPrice: 47_000,
              leverage: 30,
            },
          ],
        },
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-cli-'));
  await writeFile(join(dir, 'keys.json'), JSON.stringify({ apiKey: API_KEY, apiSecret: SECRET }));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'keys.json' }],
      telegram: { digest: { enabled: false } },
      endpoints: { usdm: sim.url },
    }),
  );
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  return runCli(args, { cwd: dir });
}

describe('liqwatch check', () => {
  it('--json prints one line per notification: the alert object in the design contract, then its kind and since', async () => {
    const before = Date.now();
    const { code, stdout, stderr } = await run(['check', '--config', 'config.json', '--once', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        rule: 'liq-distance',
        severity: 'critical',
        status: 'firing',
        account: 'main',
        source: 'usdm',
        symbol: 'BTCUSDT',
        positionSide: 'BOTH',
        value: 6,
        threshold: 7.5,
        message: expect.stringContaining('BTCUSDT LONG is 6% from liquidation'),
        kind: 'firing',
        since: expect.any(Number),
      },
      expect.objectContaining({ rule: 'leverage-cap', severity: 'warning', value: 30, threshold: 20, kind: 'firing' }),
    ]);
    expect(Object.keys(lines[0]).slice(-2)).toEqual(['kind', 'since']);
    expect(lines[0].since).toBeGreaterThanOrEqual(before);
    expect(lines[0].since).toBeLessThanOrEqual(Date.now());
  });

  it('--json says what changed from one run to the next: a rung crossed is deepened, the start kept', async () => {
    const state = join(dir, 'state-json');
    const json = (args: string[] = []) =>
      run(['check', '--config', 'config.json', '--state-dir', state, '--json', ...args]).then((r) =>
        r.stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      );
    const [first] = await json();
    expect(first).toMatchObject({ rule: 'liq-distance', kind: 'firing' });
    // 2.9 % from liquidation: under the 3 % rung.
    sim.updatePositions('main', 'usdm', (ps) => ps.map((p) => ({ ...p, markPrice: 48_400 })));
    try {
      const deeper = await json();
      expect(deeper).toEqual([
        expect.objectContaining({ rule: 'liq-distance', kind: 'deepened', threshold: 3, since: first.since }),
      ]);
    } finally {
      sim.updatePositions('main', 'usdm', (ps) => ps.map((p) => ({ ...p, markPrice: 50_000 })));
    }
  });

  it('with --state-dir, a second run remembers the first and stays quiet', async () => {
    const state = join(dir, 'state');
    const first = await run(['check', '--config', 'config.json', '--state-dir', state]);
    expect(first.stdout).toContain('[CRITICAL] main usdm: BTCUSDT LONG is 6% from liquidation');
    const second = await run(['check', '--config', 'config.json', '--state-dir', state]);
    expect(second).toMatchObject({ code: 0, stdout: '' });
    sim.setPositions('main', 'usdm', [{ symbol: 'BTCUSDT', positionAmt: 0, entryPrice: 0, markPrice: 50_000 }]);
    const third = await run(['check', '--config', 'config.json', '--state-dir', state]);
    expect(third.stdout).toContain('[OK] RESOLVED main usdm');
  });

  it('a bad config fails at start-up, naming the field', async () => {
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ accounts: [{ name: 'main', sources: ['usdm'] }] }));
    const { code, stderr } = await run(['check', '--config', 'bad.json']);
    expect(code).toBe(1);
    expect(stderr).toContain('accounts[0]: give exactly one of secretId, keysFile or keysEnv');
  });

  it('bad arguments get a usage line and exit 2', async () => {
    expect(await run(['check'])).toMatchObject({ code: 2, stderr: expect.stringContaining('give --config <file>') });
    expect(await run(['check', '--config', 'config.json', '--cycles', 'x'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option '--cycles <n>' argument 'x' is invalid. Give a whole number above 0."),
    });
  });
});

describe('liqwatch check on a state directory another liqwatch has open', () => {
  it('refuses with one line naming the directory and the pid, and leaves the state alone', async () => {
    const state = join(dir, 'locked');
    await mkdir(state, { recursive: true });
    // Prepare: this process holds the directory, as a check still running would.
    const held = await lockStateDir(state);
    try {
      // Act
      const refused = await run(['check', '--config', 'config.json', '--state-dir', state]);
      // Assess
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr: `liqwatch check: the state directory ${state} is in use by another liqwatch (pid ${process.pid})\n`,
      });
    } finally {
      await held.release();
    }
    const after = await run(['check', '--config', 'config.json', '--state-dir', state]);
    expect(after.code).toBe(0);
    expect(existsSync(join(state, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a liqwatch that is no longer running', async () => {
    const state = join(dir, 'stale');
    await mkdir(state, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(state, LOCK_FILE), String(gone));
    const { code, stderr } = await run(['check', '--config', 'config.json', '--state-dir', state]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(state, LOCK_FILE))).toBe(false);
  });
});

describe('liqwatch check with Telegram', () => {
  it('sends the alerts to the configured chats when TELEGRAM_BOT_TOKEN is set', async () => {
    const token = '31:check-cli-token-AAAAAAAAAAAAAAAAAAAAAAAA';
    const tg = await startFakeTelegram({ token, botUsername: 'liqwatch_cli_bot' });
    try {
      sim.setPositions('main', 'usdm', [critical]);
      await writeFile(
        join(dir, 'tg.json'),
        JSON.stringify({
          accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'keys.json' }],
          telegram: { chatIds: [42], digest: { enabled: false } },
          endpoints: { usdm: sim.url },
        }),
      );
      const result = await runCli(['check', '--config', 'tg.json'], {
        cwd: dir,
        env: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: tg.apiRoot },
      });
      expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(tg.messagesTo(42).map((m) => m.text)).toEqual([expect.stringContaining('🔴 <b>CRITICAL</b> · main usdm')]);
    } finally {
      await tg.close();
    }
  });
});

describe('liqwatch check with Telegram unreachable', () => {
  const token = '32:check-outbox-token-AAAAAAAAAAAAAAAAAAAAAAA';
  const flat = { symbol: 'BTCUSDT', positionAmt: 0, entryPrice: 0, markPrice: 50_000 };

  async function withTelegram(
    test: (tg: FakeTelegram, check: (state: string, opts?: CheckCommandOptions) => Promise<CliRun>) => Promise<void>,
  ) {
    const tg = await startFakeTelegram({ token, botUsername: 'liqwatch_outbox_bot' });
    await writeFile(
      join(dir, 'outbox.json'),
      JSON.stringify({
        accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'keys.json' }],
        telegram: { chatIds: [42], botUsername: 'liqwatch_outbox_bot', digest: { enabled: false } },
        endpoints: { usdm: sim.url },
      }),
    );
    const env = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: tg.apiRoot };
    // In-process, as `liqwatch check` runs it; `opts` lets a test give the Bot API calls its own timer.
    const check = async (state: string, opts: CheckCommandOptions = {}) => {
      const { io, out } = capturedIo({ cwd: dir, env });
      const code = await runCheckCommand({ config: 'outbox.json', stateDir: join(dir, state) }, io, opts);
      return { code, ...out };
    };
    try {
      await test(tg, check);
    } finally {
      await tg.close();
    }
  }

  it('keeps what Telegram refused and sends it on the next run, once and in order', async () => {
    await withTelegram(async (tg, check) => {
      // Prepare: Telegram's gateway fails every send, for now.
      tg.setFaultPolicy(() => ({ kind: 'status', code: 502, description: 'Bad Gateway' }));
      sim.setPositions('main', 'usdm', [critical]);

      // Act: the alert fires while Telegram is down, then its leg closes while it is still down.
      const first = await check('outbox-down');
      sim.setPositions('main', 'usdm', [flat]);
      const second = await check('outbox-down');

      // Act: Telegram is back.
      expect(tg.messagesTo(42)).toEqual([]);
      tg.setFaultPolicy(undefined);
      const third = await check('outbox-down');
      const fourth = await check('outbox-down');

      // Assess: both go out, the alert before the news of its leg closing while critical, each once.
      expect(tg.messagesTo(42).map((m) => m.text)).toEqual([
        expect.stringContaining('🔴 <b>CRITICAL</b> · main usdm'),
        expect.stringContaining('🔴 <b>CLOSED WHILE CRITICAL</b> · main usdm'),
      ]);
      expect(third).toMatchObject({ code: 0, stderr: '' });
      expect(fourth).toMatchObject({ code: 0, stderr: '' });
      // Assess: each run Telegram refused failed, saying what waits.
      expect(first.code).toBe(1);
      expect(first.stderr).toContain(
        'liqwatch check: 1 message(s) for chat 42 are still queued; the next run sends them',
      );
      expect(second.stderr).toContain('liqwatch check: 2 message(s) for chat 42 are still queued');
    });
  });

  it('a Telegram that never answers does not hold the run: it ends saying what is queued', async () => {
    await withTelegram(async (tg, check) => {
      // Prepare: the first send is held without an answer; the calls' timer runs out once it is.
      tg.failNext('sendMessage', { kind: 'hang' });
      sim.setPositions('main', 'usdm', [critical]);
      const bounds: number[] = [];
      const timeoutSignal = (ms: number) => {
        bounds.push(ms);
        const timer = new AbortController();
        void tg.nextHang().then(() => timer.abort());
        return timer.signal;
      };

      // Act
      const first = await check('outbox-hang', { timeoutSignal });

      // Assess: the run ended by itself, each call bounded, the message kept.
      expect(bounds).toEqual([10_000]);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('liqwatch check: 1 message(s) for chat 42 are still queued');
      expect(tg.messagesTo(42)).toEqual([]);

      // Act: Telegram answers again.
      const second = await check('outbox-hang');

      // Assess
      expect(second).toMatchObject({ code: 0, stderr: '' });
      expect(tg.messagesTo(42).map((m) => m.text)).toEqual([expect.stringContaining('🔴 <b>CRITICAL</b> · main usdm')]);
    });
  });
});

describe('liqwatch config validate', () => {
  it('prints the resolved config with every default filled in', async () => {
    const { code, stdout } = await run(['config', 'validate', 'config.json']);
    expect(code).toBe(0);
    const resolved = JSON.parse(stdout);
    expect(resolved.rules.liqDistance).toMatchObject({ warningPct: 15, criticalPct: 7.5 });
    expect(resolved.accounts[0].rules.leverageCap.default).toBe(20);
  });

  it('prints each problem with its path', async () => {
    await writeFile(
      join(dir, 'bad2.json'),
      JSON.stringify({
        accounts: [{ name: 'main', sources: ['usdm', 'spot'], keysFile: 'k' }],
        schedule: { everyMinutes: 0 },
      }),
    );
    const { code, stderr } = await run(['config', 'validate', 'bad2.json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/accounts\[0\]\.sources\[1\]: Invalid option/);
    expect(stderr).toMatch(/schedule\.everyMinutes: /);
  });

  it('a critical threshold above the warning one is named with its path', async () => {
    await writeFile(
      join(dir, 'bad3.json'),
      JSON.stringify({
        accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'k', rules: { liqDistance: { criticalPct: 30 } } }],
      }),
    );
    const { stderr } = await run(['config', 'validate', 'bad3.json']);
    expect(stderr).toContain('accounts[0].rules.liqDistance: criticalPct (30) must be below warningPct (15)');
  });
});
