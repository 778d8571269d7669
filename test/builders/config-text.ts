import { ConfigError, parseConfig } from '#config/load.js';

/*
 * Configs as JSON text, as a file or LIQWATCH_CONFIG holds them: `JSON.parse` makes `"__proto__"` an own
 * key, where an object literal would set the prototype instead.
 */

/** A config of one account on `sources`, with these top-level rules and, if given, the account's own. */
export function configWithRules(sources: readonly string[]) {
  const account = `{ "name": "main", "sources": ${JSON.stringify(sources)}, "keysEnv": "LIQWATCH_KEYS_MAIN" }`;
  return (rules: string, accountRules?: string) =>
    `{ "accounts": [${accountRules ? `${account.slice(0, -1)}, "rules": ${accountRules} }` : account}], "rules": ${rules} }`;
}

/** The problems `parseConfig` lists for a config's JSON text, or `[]` when it is accepted. */
export function problemsOf(text: string): string[] {
  try {
    parseConfig(JSON.parse(text), 'test');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
