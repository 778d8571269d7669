import type { Context } from 'aws-lambda';
import { type PollOptions, runCycles } from './poll.js';
import type { CheckDeps } from './run-check.js';

export interface CheckResult {
  cycles: number;
  deliveries: number;
  failedSources: number;
}

/**
 * The scheduled check: one cycle, or several `pollSeconds` apart inside one invocation. Each cycle reads
 * the exchange against a deadline taken from the Lambda's remaining time less a margin, so a hung host
 * costs that cycle its source, never the whole invocation its alerts.
 */
export function createCheckHandler(
  deps: CheckDeps & { pollSeconds: number } & Pick<PollOptions, 'marginMs' | 'minCycleMs'>,
) {
  return async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<CheckResult> => {
    const reports = await runCycles(deps, {
      pollSeconds: deps.pollSeconds,
      remainingMs: () => context.getRemainingTimeInMillis(),
      ...(deps.marginMs === undefined ? {} : { marginMs: deps.marginMs }),
      ...(deps.minCycleMs === undefined ? {} : { minCycleMs: deps.minCycleMs }),
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
