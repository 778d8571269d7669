import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';

/*
 * A fresh checkout walked through the README's "Deploy to AWS" section, step by step, as far as it runs
 * without AWS: the steps' order in the README, a synth that stops without the user's config, the token
 * put in (Secrets Manager stand-in), the chat id found (Bot API stand-in), the config validated for a
 * deploy, and the synth of what `cdk deploy` would deploy.
 */
const run = promisify(execFile);
const repo = process.cwd();
const TOKEN = '424242:walk-token-NEVER-PRINTED-AAAAAAAAAAAA';
const CHAT = 7_654_321;

let clone: string;
let sm: FakeSecretsManager;
let tg: FakeTelegram;

/** The commands of the README's deploy section, in the order they appear, one per line. */
async function deployCommands(): Promise<string[]> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const section = readme.split(/^## Deploy to AWS$/m)[1]?.split(/^## /m)[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n').map((l) => l.replace(/#.*$/, '').trim())).filter(Boolean);
}

/** `liqwatch …` as `npx liqwatch` runs it, in the clone, against the stand-ins. */
const liqwatch = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(clone, 'bin/liqwatch.mjs'), ...args], {
    cwd: clone,
    env: { PATH: process.env.PATH, HOME: clone, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
const synth = (args: string[] = []) =>
  run('npx', ['cdk', 'synth', '-q', '-o', join(clone, 'cdk.out'), ...args], {
    cwd: clone,
    env: { ...process.env, LIQWATCH_CONFIG: '' },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

beforeAll(async () => {
  // Prepare: the repository's files (tracked and new, not ignored), with its installed node_modules.
  clone = await mkdtemp(join(tmpdir(), 'liqwatch-clone-'));
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo });
  for (const file of stdout.split('\n').filter(Boolean)) {
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await cp(join(repo, file), join(clone, file)).catch(() => undefined);
  }
  await symlink(join(repo, 'node_modules'), join(clone, 'node_modules'));
  sm = await startFakeSecretsManager();
  tg = await startFakeTelegram({ token: TOKEN });
}, 30_000);

afterAll(async () => {
  await Promise.all([sm?.close(), tg?.close()]);
  if (clone) await rm(clone, { recursive: true, force: true });
});

describe('the README deploy section, walked from a fresh clone', () => {
  it('lists the steps in the order a user acts: npm ci, keys, token, chat id, config, deploy', async () => {
    const commands = await deployCommands();
    const at = (what: RegExp) => commands.findIndex((c) => what.test(c));
    const order = [
      /^npm ci$/,
      /aws secretsmanager create-secret/,
      /npx liqwatch telegram put-token/,
      /npx liqwatch telegram chats/,
      /cp liqwatch\.config\.example\.json liqwatch\.config\.json/,
      /npx liqwatch config validate --for deploy/,
      /npx cdk deploy/,
    ].map(at);
    expect(
      order.every((i) => i >= 0),
      `missing among:\n${commands.join('\n')}`,
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a synth without the user config stops and names the file it looked for', async () => {
    const out = await synth();
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      `looked for -c config=<file>, LIQWATCH_CONFIG and ${join(clone, 'liqwatch.config.json')}`,
    );
  }, 30_000);

  it('puts the token in before any deploy: the secret is created, the token never printed', async () => {
    const out = await liqwatch(['telegram', 'put-token'], {
      TELEGRAM_BOT_TOKEN: TOKEN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(TelegramSecretSchema.parse(JSON.parse(sm.secrets.get('liqwatch/telegram')!)).botToken).toBe(TOKEN);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  }, 30_000);

  it('finds the chat id with telegram chats, and the config with it validates for a deploy', async () => {
    tg.pushUpdate({
      message: { message_id: 1, date: 0, chat: { id: CHAT, type: 'private', first_name: 'Ann' }, text: '/start' },
    } as never);
    const chats = await liqwatch(['telegram', 'chats'], { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot });
    expect(chats.stdout).toContain(String(CHAT));

    const example = JSON.parse(await readFile(join(clone, 'liqwatch.config.example.json'), 'utf8'));
    const config = { ...example, telegram: { ...example.telegram, chats: [{ id: CHAT }] } };
    await writeFile(join(clone, 'liqwatch.config.json'), JSON.stringify(config));
    const valid = await liqwatch(['config', 'validate', '--for', 'deploy', 'liqwatch.config.json']);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
  }, 30_000);

  it('synthesises what cdk deploy deploys from the user config: the adopted secret, the next steps', async () => {
    const out = await synth();
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).not.toContain('example');
    const template = JSON.parse(await readFile(join(clone, 'cdk.out', 'Liqwatch.template.json'), 'utf8'));
    expect(template.Outputs.TelegramSecretName.Value).toBe('liqwatch/telegram');
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['NextStep1AlarmEmail', 'NextStep2Status']));
    expect(JSON.stringify(template)).toContain(`${CHAT}`);
    expect(Object.keys(template.Rules ?? {}).join()).not.toContain('ExampleGuard');
  }, 40_000);
});
