import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SOURCE_IDS } from '#core/position.js';

/*
 * `cdk synth` says how many accounts the config can hold at its cadence, and refuses one whose busiest
 * minute needs more request weight than its share of the exchange's limit: the CDK app (infra/app.ts) as
 * the CDK CLI runs it, on an inline LIQWATCH_CONFIG, without bundling the functions.
 */
const run = promisify(execFile);

/** The CDK app on `config`: its exit code and stderr. */
const synth = (config: unknown) =>
  run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
    env: {
      ...process.env,
      LIQWATCH_CONFIG: JSON.stringify(config),
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
    },
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

/** `n` accounts on every source, their keys in one secret, and the schedule and watch given. */
const accounts = (n: number, extra: Record<string, unknown> = {}) => ({
  accounts: Array.from({ length: n }, (_, i) => ({
    name: `a${i}`,
    sources: [...SOURCE_IDS],
    secretId: 'liqwatch/accounts',
    secretKey: `a${i}`,
  })),
  telegram: { chatIds: [1] },
  ...extra,
});

describe('cdk synth and the request weight', () => {
  it('says on stderr how many accounts like these the config can hold, and goes on', async () => {
    const { code, stderr } = await synth(accounts(2));
    expect(stderr).toContain(
      'liqwatch: weight a minute (watching, re-read every 10 s): fapi 200 · dapi 54 · papi 204 of 1,200 a host (50 % of 2,400): 17 %, room for 11 accounts like these (2 configured)',
    );
    expect(code).toBe(0);
  }, 60_000);

  it('refuses a config over its share, saying how many fit and what else would do', async () => {
    const [watching, polling] = await Promise.all([
      synth(accounts(12)),
      synth(accounts(12, { watch: { mode: 'off' }, schedule: { pollSeconds: 20 } })),
    ]);
    expect(watching.code).toBe(1);
    expect(watching.stderr).toMatch(
      /^LIQWATCH_CONFIG: invalid config\n {2}schedule: the config needs more request weight/,
    );
    expect(watching.stderr).toContain('papi 1,224 of 1,200 a host (50 % of 2,400): 102 %, room for 11 accounts');
    expect(watching.stderr).toContain('a longer watch.rereadSeconds or watch.mode "off"');
    expect(polling.code).toBe(1);
    expect(polling.stderr).toContain('papi 1,296 of 1,200 a host (50 % of 2,400): 108 %, room for 11 accounts');
    expect(polling.stderr).toContain('a longer schedule.pollSeconds');
    // A larger share is the user's choice: the same twelve accounts fit in 60 % of the limit.
    const { code } = await synth(
      accounts(12, { watch: { mode: 'off' }, schedule: { pollSeconds: 20, weightShare: 0.6 } }),
    );
    expect(code).toBe(0);
  }, 60_000);
});
