import { setTimeout as sleep } from 'node:timers/promises';
import { SourceError } from './errors.js';

export interface RetryPolicy {
  /** Further attempts after a transient failure. */
  retries: number;
  /** First backoff; doubles each time, with ±50 % jitter. */
  backoffMs: number;
  /** How long one attempt may take, so that no retry starts that cannot end before the deadline. */
  attemptMs: number;
  /** Local ms after which no retry starts (the cycle's budget). */
  deadline?: number | undefined;
  now: () => number;
  /** Asked before each retry: false stops retrying (the host did not answer in this cycle). */
  mayRetry?: () => boolean;
}

/**
 * Runs `attempt` and repeats it after transient failures (network faults, timeouts, 5xx) while the
 * policy allows. Every other failure, and the last transient one, is thrown as it came.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof SourceError) || !error.transient || n >= policy.retries) throw error;
      if (policy.mayRetry && !policy.mayRetry()) throw error;
      const wait = policy.backoffMs * 2 ** n * (0.5 + Math.random());
      if (policy.deadline !== undefined && policy.now() + wait + policy.attemptMs > policy.deadline) throw error;
      await sleep(wait);
    }
  }
}
