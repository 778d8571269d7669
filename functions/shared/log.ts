/**
 * A structured logger, as every part of liqwatch uses it: Powertools' `Logger` in Lambda, the console's
 * shape on a laptop. `appendKeys` adds keys to every later line (the account, the SQS message id…) and
 * `removeKeys` takes them off again; a logger without them simply has no per-record context.
 */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  appendKeys?(keys: Record<string, unknown>): void;
  removeKeys?(keys: string[]): void;
}
