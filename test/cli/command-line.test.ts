import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';

/* The habits a command line is expected to have: help everywhere, a version, suggestions for a typo. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('liqwatch, as a command line', () => {
  it('bare, it prints the usage on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: liqwatch/);
    for (const command of ['positions', 'check', 'config', 'serve', 'start', 'watch', 'telegram']) {
      expect(run.stderr).toContain(command);
    }
  });

  it.each([
    ['positions', '--margin-asset'],
    ['check', '--state-dir'],
    ['config', 'validate'],
    ['config validate', '--for'],
    ['serve', '--config'],
    ['start', '--cycles'],
    ['watch', '--interval'],
    ['telegram', 'chats'],
    ['telegram chats', 'getUpdates'],
    ['telegram set-webhook', '--url'],
    ['telegram put-token', '--secret-id'],
  ])('liqwatch %s --help says what it takes (%s) on stdout', async (command, shown) => {
    const run = await runCli([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: liqwatch ${command}`);
    expect(run.stdout).toContain(shown);
  });

  it('a mistyped command gets the nearest one, and status 2', async () => {
    const run = await runCli(['chek', '--config', 'x.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'chek'");
    expect(run.stderr).toContain('Did you mean check?');
  });

  it('a mistyped option gets the nearest one, and status 2', async () => {
    const run = await runCli(['positions', '--sorce', 'usdm']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--sorce'");
    expect(run.stderr).toContain('Did you mean --source?');
  });

  it('a number option given text is refused by name before anything runs', async () => {
    const run = await runCli(['check', '--config', 'x.json', '--cycles', 'two']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--cycles <n>' argument 'two' is invalid. Give a whole number above 0.");
  });

  it('serve takes --config like the other commands', async () => {
    const env = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_SECRET: 'secret' };
    const run = await runCli(['serve', '--config', 'missing.json', '--port', '0'], { cwd: dir, env });
    // The config named on the command line is the one read (and it is not there).
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(dir, 'missing.json')}: invalid config`);
    expect(run.stderr).toContain('no such file');
  });

  it('serve without --config or LIQWATCH_CONFIG says to give one', async () => {
    const env = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_SECRET: 'secret' };
    const run = await runCli(['serve'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give --config <file> (or set LIQWATCH_CONFIG)');
  });
});
