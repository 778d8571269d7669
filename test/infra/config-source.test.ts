import { describe, expect, it } from 'vitest';
import { NoConfigError, resolveConfigSource } from '../../infra/config-source.js';

const cwd = '/repo';
const only =
  (...files: string[]) =>
  (path: string) =>
    files.includes(path);

describe('the config the CDK app synthesises and deploys', () => {
  it('without a config of the user, stops and names the file it looked for, instead of using the example', () => {
    const act = () => resolveConfigSource({ cwd, exists: only('/repo/liqwatch.config.example.json') });
    expect(act).toThrow(NoConfigError);
    expect(act).toThrow(/looked for -c config=<file>, LIQWATCH_CONFIG and \/repo\/liqwatch\.config\.json/);
    expect(act).toThrow(/npx cdk synth -c example=true/);
  });

  it('takes liqwatch.config.json from the repository root when it is there', () => {
    const source = resolveConfigSource({ cwd, exists: only('/repo/liqwatch.config.json') });
    expect(source).toEqual({ pathOrJson: '/repo/liqwatch.config.json', example: false });
  });

  it('prefers -c config=<file>, then LIQWATCH_CONFIG (a path or inline JSON), to the file', () => {
    const exists = only('/repo/liqwatch.config.json');
    expect(resolveConfigSource({ cwd, exists, contextConfig: 'a.json', envConfig: 'b.json' }).pathOrJson).toBe(
      'a.json',
    );
    expect(resolveConfigSource({ cwd, exists, envConfig: '{"accounts":[]}' }).pathOrJson).toBe('{"accounts":[]}');
  });

  it('uses the example only when asked (-c example=true), and says it is the example', () => {
    for (const contextExample of ['true', true] as const) {
      expect(resolveConfigSource({ cwd, exists: only(), contextExample })).toEqual({
        pathOrJson: '/repo/liqwatch.config.example.json',
        example: true,
      });
    }
    // The user's own config wins over the flag: a deploy never takes the example while there is one.
    expect(
      resolveConfigSource({ cwd, exists: only('/repo/liqwatch.config.json'), contextExample: 'true' }).example,
    ).toBe(false);
  });
});
