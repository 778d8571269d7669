/*
 * What a `catch` may assume. Only `Error`s are expected to be thrown; anything else is a bug and goes on
 * up unchanged.
 */

/** Narrows a caught value to an `Error`, re-throwing anything else. */
export function assertIsError(error: unknown): asserts error is Error {
  if (!(error instanceof Error)) throw error;
}

/** The message of a caught value, whatever was thrown: for logs and lines that must not throw again. */
export function messageOf(error: unknown): string {
  return redactBotTokens(error instanceof Error ? error.message : String(error));
}

/**
 * A Bot API URL carries the bot's token (`…/bot123456:AA…/sendMessage`), and an HTTP client's network
 * error quotes the URL: every message said through `messageOf` has the token blanked out.
 */
export function redactBotTokens(text: string): string {
  return text.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[token]');
}

/** The `code` of a system error (`ENOENT`, `EACCES` …), if it has one. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
