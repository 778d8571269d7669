import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';
import { hmacKeys } from '../binance/scenario.js';

/* `liqwatch config validate <file> [--for deploy|local]`: what the file says, and what it still needs. */

const keys = hmacKeys('validate');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-validate-'));
  await writeFile(join(dir, 'keys.json'), JSON.stringify(keys.keys));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function validate(config: unknown, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  await writeFile(join(dir, 'c.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return runCli(['config', 'validate', 'c.json', ...args], { cwd: dir, env });
}

const LAPTOP = { accounts: [{ name: 'main', sources: ['usdm'], keysFile: 'keys.json' }] };
const DEPLOYED = {
  accounts: [{ name: 'main', sources: ['usdm'], secretId: 'liqwatch/main' }],
  telegram: { chatIds: [42] },
};

describe('liqwatch config validate', () => {
  it('prints every default: schedule, digest, chats, endpoints, watch and the rules', async () => {
    const run = await validate({
      ...DEPLOYED,
      telegram: { chats: [{ id: 42, quietHours: { from: '23:00', to: '07:00' } }] },
    });
    expect(run.code).toBe(0);
    const resolved = JSON.parse(run.stdout);
    expect(resolved.schedule).toEqual({ everyMinutes: 1, pollSeconds: 0, weightShare: 0.5 });
    expect(resolved.telegram.digest).toEqual({ enabled: true, at: '08:00', timeZone: 'UTC' });
    expect(resolved.telegram.chatIds).toEqual([]);
    expect(resolved.telegram.chats).toEqual([
      {
        id: 42,
        timeZone: 'UTC',
        quietHours: { from: '23:00', to: '07:00', timeZone: 'UTC' },
        silent: [],
        ringWhenEased: false,
      },
    ]);
    expect(resolved.endpoints).toMatchObject({
      usdm: 'https://fapi.binance.com',
      'usdm-ws': 'wss://ws-fapi.binance.com/ws-fapi/v1',
      coinm: 'https://dapi.binance.com',
      'pm-um': 'https://papi.binance.com',
      usdmMarket: 'wss://fstream.binance.com/market',
      pmPrivate: 'wss://fstream.binance.com/pm',
    });
    expect(resolved.watch).toEqual({ mode: 'adaptive', rereadSeconds: 10 });
    expect(resolved.rules.liqDistance.warningPct).toEqual(expect.any(Number));
  });

  it('keeps what the file says over the defaults', async () => {
    const run = await validate({
      ...DEPLOYED,
      schedule: { everyMinutes: 5 },
      endpoints: { usdm: 'http://127.0.0.1:1' },
    });
    const resolved = JSON.parse(run.stdout);
    expect(resolved.schedule).toEqual({ everyMinutes: 5, pollSeconds: 0, weightShare: 0.5 });
    expect(resolved.endpoints.usdm).toBe('http://127.0.0.1:1');
  });

  it('gives invalid JSON its line and column', async () => {
    const run = await validate('{\n  "accounts": [\n    { "name": "main", }\n  ]\n}');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not valid JSON \(line 3, column \d+\)/);
  });

  it('--for deploy refuses what the stack refuses: keys outside Secrets Manager, no chat', async () => {
    const run = await validate(
      { accounts: [...LAPTOP.accounts, { name: 'ci', sources: ['coinm'], keysEnv: 'CI_KEYS' }] },
      ['--for', 'deploy'],
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('not ready for deploy');
    expect(run.stderr).toContain(
      'accounts[0]: a deployed check reads keys from Secrets Manager: give secretId instead of keysFile',
    );
    expect(run.stderr).toContain(
      'accounts[1]: a deployed check reads keys from Secrets Manager: give secretId instead of keysEnv',
    );
    expect(run.stderr).toContain('telegram: name at least one chat');
  });

  it('--for deploy passes a config the stack takes', async () => {
    const run = await validate(DEPLOYED, ['--for', 'deploy']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).accounts[0].secretId).toBe('liqwatch/main');
  });

  it('--for deploy passes accounts that share one secret, each naming its key set', async () => {
    const shared = (name: string) => ({ name, sources: ['usdm'], secretId: 'liqwatch/desk', secretKey: name });
    const run = await validate({ ...DEPLOYED, accounts: [shared('a'), shared('b')] }, ['--for', 'deploy']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).accounts[1]).toMatchObject({ secretId: 'liqwatch/desk', secretKey: 'b' });
  });

  it('--for deploy refuses a secret read both as named key sets and as one key set', async () => {
    const accounts = [
      { name: 'a', sources: ['usdm'], secretId: 'liqwatch/desk', secretKey: 'a' },
      { name: 'b', sources: ['usdm'], secretId: 'liqwatch/desk' },
    ];
    const run = await validate({ ...DEPLOYED, accounts }, ['--for', 'deploy']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'accounts[1]: secret liqwatch/desk holds named key sets (accounts[0] gives a secretKey): give this account the secretKey of its key set',
    );
  });

  it('--for local names a keys file that is not there and a keys variable that is not set', async () => {
    const config = {
      accounts: [
        { name: 'main', sources: ['usdm'], keysFile: 'gone.json' },
        { name: 'ci', sources: ['coinm'], keysEnv: 'CI_KEYS' },
      ],
    };
    const run = await validate(config, ['--for', 'local']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`accounts[0]: account main: keys file ${join(dir, 'gone.json')}: no such file`);
    expect(run.stderr).toContain('accounts[1]: account ci: environment variable CI_KEYS: is not set');
  });

  it('--for local reads the keys without printing them, and passes when they are there', async () => {
    const config = { accounts: [...LAPTOP.accounts, { name: 'ci', sources: ['coinm'], keysEnv: 'CI_KEYS' }] };
    const ok = await validate(config, ['--for', 'local'], { CI_KEYS: JSON.stringify(keys.keys) });
    expect(ok.code).toBe(0);
    const bad = await validate(config, ['--for', 'local'], { CI_KEYS: `{"apiKey": "${keys.secret}"` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('environment variable CI_KEYS');
    for (const text of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) {
      expect(text).not.toContain(keys.secret);
      expect(text).not.toContain(keys.keys.apiKey);
    }
  });
});
