import type { Context } from 'aws-lambda';
import { accountRuleSettings } from '#config/routes.js';
import { type PollOptions, runCycles } from './poll.js';
import type { CheckDeps } from './run-check.js';
import { anyAtRisk } from './tick-read.js';
import { type StreamFactory, Watcher } from './watch.js';

export interface CheckResult {
  cycles: number;
  deliveries: number;
  failedSources: number;
  /** How long the invocation held the exchange's streams (0: it did not watch). */
  watchedMs: number;
}

/** A watching invocation outlives its interval by this much, so the next one is watching before it stops. */
const OVERLAP_MS = 5_000;

/**
 * The scheduled check: one cycle, or several `pollSeconds` apart inside one invocation. Each cycle reads
 * the exchange against a deadline taken from the Lambda's remaining time less a margin, so a hung host
 * costs that cycle its source, never the whole invocation its alerts. With `watch.mode` `adaptive`, a
 * first cycle that finds a leg or an account inside its warning band keeps the exchange's streams open
 * for the rest of the interval (the next invocation overlaps it), reading the accounts again every
 * `watch.rereadSeconds`; a calm one returns as before. `always` watches every interval; `off` never.
 */
export function createCheckHandler(
  deps: CheckDeps & { pollSeconds: number; streams?: StreamFactory | undefined } & Pick<
      PollOptions,
      'marginMs' | 'minCycleMs' | 'sleep'
    >,
) {
  return async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<CheckResult> => {
    const started = deps.now();
    const { watch, schedule } = deps.config;
    const watching = watch.mode !== 'off' && deps.streams !== undefined;
    const poll = (pollSeconds: number) =>
      runCycles(deps, {
        pollSeconds,
        remainingMs: () => context.getRemainingTimeInMillis(),
        ...(deps.marginMs === undefined ? {} : { marginMs: deps.marginMs }),
        ...(deps.minCycleMs === undefined ? {} : { minCycleMs: deps.minCycleMs }),
        ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
      });
    const reports = await poll(watching ? 0 : deps.pollSeconds);
    let watchedMs = 0;
    let watched = { cycles: 0, deliveries: 0, failedSources: 0 };
    const last = reports.at(-1);
    const atRisk = last !== undefined && anyAtRisk(last.reads, (name) => accountRuleSettings(deps.config, name));
    if (watching && last && (watch.mode === 'always' || atRisk)) {
      const margin = deps.marginMs ?? 10_000;
      const intervalEnd = started + (schedule.everyMinutes ?? 1) * 60_000 + OVERLAP_MS;
      const until = Math.min(intervalEnd, deps.now() + context.getRemainingTimeInMillis() - margin);
      const watcher = new Watcher(
        { ...deps, streams: deps.streams! },
        { rereadMs: watch.rereadSeconds * 1_000, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
      );
      // The invocation's own cycle has just read everything: the watch starts from it.
      watcher.seed(last.reads, deps.now());
      const from = deps.now();
      await watcher.run(until);
      watchedMs = deps.now() - from;
      watched = watcher.totals();
    } else if (watching && deps.pollSeconds > 0) {
      // Calm: polling goes on as it would without streams.
      await (deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(
        Math.max(0, started + deps.pollSeconds * 1_000 - deps.now()),
      );
      reports.push(...(await poll(deps.pollSeconds)));
    }
    const result = {
      cycles: reports.length + watched.cycles,
      deliveries: reports.reduce((n, r) => n + r.deliveries.length, 0) + watched.deliveries,
      failedSources:
        reports.reduce((n, r) => n + r.accounts.flatMap((a) => a.sources.filter((s) => !s.ok)).length, 0) +
        watched.failedSources,
      watchedMs,
    };
    deps.log.info('check finished', { ...result, watchedCycles: watched.cycles, atRisk, watchMode: watch.mode });
    return result;
  };
}
