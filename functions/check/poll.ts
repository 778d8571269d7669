import type { CycleReport } from './reports.js';
import { type CheckDeps, runCycle } from './run-check.js';

export interface PollOptions {
  pollSeconds: number;
  /** The invocation's time left, in ms (the Lambda context's `getRemainingTimeInMillis`). */
  remainingMs: () => number;
  /** Kept back from each cycle's deadline to save the state and enqueue what was found. Default 10 s. */
  marginMs?: number;
  /**
   * The least time a cycle is started with (its exchange reads, before the margin). A cycle given less
   * would cut every source off and count them all failed. Default 5 s.
   */
  minCycleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Checks again every `pollSeconds` inside one invocation. Each cycle's exchange reads end by a deadline
 * `marginMs` before the invocation's time runs out, so its state is saved and its news enqueued
 * whatever the exchange does; a cycle is started only when that leaves it at least `minCycleMs` (and
 * as long as the longest cycle so far) to read.
 */
export async function runCycles(deps: CheckDeps, opts: PollOptions): Promise<CycleReport[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const margin = opts.marginMs ?? 10_000;
  const minCycle = opts.minCycleMs ?? 5_000;
  const reports: CycleReport[] = [];
  let longest = 0;
  for (;;) {
    const left = opts.remainingMs() - margin;
    if (left < Math.max(minCycle, longest)) {
      if (reports.length === 0) deps.log.error('no time left to start a check', { remainingMs: opts.remainingMs() });
      return reports;
    }
    const started = deps.now();
    reports.push(await runCycle(deps, { deadline: (deps.exchangeClock ?? Date.now)() + left }));
    longest = Math.max(longest, deps.now() - started);
    if (opts.pollSeconds <= 0) return reports;
    const wait = Math.max(0, started + opts.pollSeconds * 1000 - deps.now());
    if (opts.remainingMs() - wait - margin < Math.max(minCycle, longest)) return reports;
    await sleep(wait);
  }
}
