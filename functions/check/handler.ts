import type { Context } from 'aws-lambda';
import { runCycles } from './poll.js';
import type { CheckDeps } from './run-check.js';

export interface CheckResult {
  cycles: number;
  deliveries: number;
  failedSources: number;
}

/**
 * The scheduled check: one cycle, or several `pollSeconds` apart inside one invocation, stopping with a
 * margin before the Lambda's time runs out.
 */
export function createCheckHandler(deps: CheckDeps & { pollSeconds: number }) {
  return async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<CheckResult> => {
    const reports = await runCycles(deps, {
      pollSeconds: deps.pollSeconds,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    const result = {
      cycles: reports.length,
      deliveries: reports.reduce((n, r) => n + r.deliveries.length, 0),
      failedSources: reports.reduce((n, r) => n + r.accounts.flatMap((a) => a.sources.filter((s) => !s.ok)).length, 0),
    };
    deps.log.info('check finished', { ...result });
    return result;
  };
}
