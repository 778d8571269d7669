import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The file a user copies the example to; the CDK app reads it from the repository root. */
export const USER_CONFIG_FILE = 'liqwatch.config.json';
export const EXAMPLE_CONFIG_FILE = 'liqwatch.config.example.json';

/** Where the CDK app takes its config from, and whether it is the example (fit for a synth, never a deploy). */
export interface ConfigSource {
  /** A path, or inline JSON from LIQWATCH_CONFIG. */
  pathOrJson: string;
  example: boolean;
}

export interface ConfigSourceInput {
  /** `-c config=<file>` */
  contextConfig?: string | undefined;
  /** `-c example=true`: a synth with no config of the user's (CI), told on stderr and refused at deploy. */
  contextExample?: string | boolean | undefined;
  /** LIQWATCH_CONFIG: a path or inline JSON. */
  envConfig?: string | undefined;
  cwd: string;
  exists?: (path: string) => boolean;
}

/** No config of the user's, and no `-c example=true`: says where it looked and what to do. */
export class NoConfigError extends Error {
  constructor(cwd: string) {
    super(
      [
        `No liqwatch config: looked for -c config=<file>, LIQWATCH_CONFIG and ${resolve(cwd, USER_CONFIG_FILE)}, found none.`,
        `  To deploy: cp ${EXAMPLE_CONFIG_FILE} ${USER_CONFIG_FILE}, set your accounts and chat, and run again (README, "Deploy to AWS").`,
        `  To synthesise with the example (CI, never deployable): npx cdk synth -c example=true`,
      ].join('\n'),
    );
    this.name = 'NoConfigError';
  }
}

/**
 * The CDK CLI runs the app the same way for `cdk synth` and `cdk deploy` (it tells the app neither), so
 * the app cannot fall back to the example for one and not the other. It never falls back silently: the
 * user's config (`-c config`, else LIQWATCH_CONFIG, else `liqwatch.config.json`), or the example only when
 * asked with `-c example=true`, whose template CloudFormation then refuses to deploy (example-guard.ts).
 */
export function resolveConfigSource(input: ConfigSourceInput): ConfigSource {
  const exists = input.exists ?? existsSync;
  const own = input.contextConfig || input.envConfig;
  if (own) return { pathOrJson: own, example: false };
  const file = resolve(input.cwd, USER_CONFIG_FILE);
  if (exists(file)) return { pathOrJson: file, example: false };
  if (input.contextExample === true || input.contextExample === 'true') {
    return { pathOrJson: resolve(input.cwd, EXAMPLE_CONFIG_FILE), example: true };
  }
  throw new NoConfigError(input.cwd);
}
