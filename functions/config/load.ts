import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
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
  if (!parsed.success) throw new ConfigError(where, listProblems(parsed.error));
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
      const code = (error as { code?: string }).code;
      throw new ConfigError(origin, [code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`]);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(origin, [`not valid JSON: ${(error as Error).message}`]);
  }
  return { config: parseConfig(value, origin), baseDir: inline ? cwd : dirname(origin), origin };
}

export function listProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${path || '(root)'}: ${issue.message}`;
  });
}
