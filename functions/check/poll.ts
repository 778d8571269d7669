import type { CycleReport } from './reports.js';
import { type CheckDeps, runCycle } from './run-check.js';

/**
 * Checks again every `pollSeconds` inside one invocation, until the next would not finish with
 * `marginMs` to spare before the Lambda's time runs out.
 */
export async function runCycles(
  deps: CheckDeps,
  opts: { pollSeconds: number; remainingMs: () => number; marginMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<CycleReport[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const margin = opts.marginMs ?? 10_000;
  const reports: CycleReport[] = [];
  let longest = 0;
  for (;;) {
    const started = deps.now();
    reports.push(await runCycle(deps));
    longest = Math.max(longest, deps.now() - started);
    if (opts.pollSeconds <= 0) return reports;
    const wait = Math.max(0, started + opts.pollSeconds * 1000 - deps.now());
    if (opts.remainingMs() < wait + longest + margin) return reports;
    await sleep(wait);
  }
}
