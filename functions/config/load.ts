import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { codeOf } from '#shared/errors.js';
import { listIssues, ParseError, readJson } from '#shared/parse.js';
import { type Config, ConfigSchema } from './schema.js';

export class ConfigError extends Error {
  /** Each problem with its path, `accounts[1].sources[0]: …`. */
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(`${where}: invalid config\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadedConfig {
  config: Config;
  /** Where relative paths in the config (keysFile) are resolved from. */
  baseDir: string;
  /** The file it came from, or `LIQWATCH_CONFIG` for inline JSON. */
  origin: string;
}

/** Validates a parsed config; throws one `ConfigError` listing every problem. */
export function parseConfig(value: unknown, where: string): Config {
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(where, listIssues(parsed.error));
  return parsed.data;
}

/**
 * Reads the config from a file path or from inline JSON (LIQWATCH_CONFIG may hold either).
 */
export async function loadConfig(pathOrJson: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const inline = pathOrJson.trimStart().startsWith('{');
  const origin = inline ? 'LIQWATCH_CONFIG' : resolve(cwd, pathOrJson);
  let text = pathOrJson;
  if (!inline) {
    try {
      text = await readFile(origin, 'utf8');
    } catch (error) {
      const code = codeOf(error);
      throw new ConfigError(origin, [code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`]);
    }
  }
  let value: unknown;
  try {
    value = readJson(text, origin);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new ConfigError(origin, [...error.problems]);
  }
  return { config: parseConfig(value, origin), baseDir: inline ? cwd : dirname(origin), origin };
}
