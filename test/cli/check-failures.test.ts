import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';

/*
 * `liqwatch check` when nothing can be read: it says what failed and why, each cause once, never that all
 * is well, and exits non-zero so a script or a cron job notices.
 */
let dir: string;
/** A loopback port nothing listens on: every call to it is refused. */
let deadUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liqwatch-check-failures-'));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  deadUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A config whose daily digest is due at any time of day, so each run prints it. */
async function configWith(account: Record<string, unknown>): Promise<string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  const endpoints = { usdm: deadUrl, coinm: deadUrl, 'pm-um': deadUrl };
  const config = { accounts: [account], telegram: { digest: { at: '00:00' } }, endpoints };
  await writeFile(file, JSON.stringify(config));
  return file;
}

describe('liqwatch check --once with nothing readable', () => {
  it('unreadable keys: one line naming the cause, no "all is well", exit 1', async () => {
    const config = await configWith({ name: 'main', sources: ['usdm', 'coinm', 'pm-um'], keysEnv: 'NOT_SET_KEYS' });

    const { code, stdout, stderr } = await runCli(['check', '--config', config, '--once'], { cwd: dir, env: {} });

    expect(code).toBe(1);
    const cause = 'account main: environment variable NOT_SET_KEYS: is not set';
    expect(stderr.split(cause)).toHaveLength(2);
    expect(stderr).toContain('nothing read on usdm, coinm, pm-um');
    expect(stderr).toContain('nothing could be read');
    expect(stdout).toContain('[DIGEST]');
    expect(stdout).not.toMatch(/all is well|checks are running/i);
    expect(stdout).toContain('failing: main: usdm, coinm, pm-um');
  });

  it('every source down: each failure said, the digest says what fails, exit 1', async () => {
    const keys = join(dir, 'keys.json');
    await writeFile(keys, JSON.stringify({ apiKey: 'k'.repeat(32), apiSecret: 's'.repeat(32) }));
    const config = await configWith({ name: 'main', sources: ['usdm', 'coinm'], keysFile: keys });

    const { code, stdout, stderr } = await runCli(['check', '--config', config, '--once'], { cwd: dir, env: {} });

    expect(code).toBe(1);
    expect(stderr).toContain('main usdm GET /fapi/v2/positionRisk: network error');
    expect(stderr).toContain('main coinm GET /dapi/v1/positionRisk: network error');
    expect(stdout).not.toMatch(/all is well|checks are running/i);
    expect(stdout).toContain('failing: main: usdm, coinm');
  });
});
