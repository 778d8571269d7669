import { type CallContext, SourceError } from './errors.js';

/** The time one attempt may take, and whether the cycle's deadline cut it below the transport's timeout. */
export interface AttemptBudget {
  ms: number;
  cut: boolean;
}

/**
 * What the calls of one cycle (one `fetchAll`) share: a deadline, after which no attempt starts and
 * before which every attempt must end, and the hosts that did not answer in it, which are not called
 * again in the cycle. Timeouts and retries of each call to one silent host otherwise add up: 50 accounts
 * with COIN-M hanging took 64.6 s against a 60 s function timeout.
 */
export class Cycle {
  /** Local ms after which no attempt starts, if the cycle has one. */
  readonly deadline: number | undefined;
  readonly #now: () => number;
  /** Hosts that did not answer in this cycle; `undefined` for a single call, which keeps its retries. */
  readonly #hanging: Set<string> | undefined;

  private constructor(now: () => number, deadline: number | undefined, hanging: Set<string> | undefined) {
    this.#now = now;
    this.deadline = deadline;
    this.#hanging = hanging;
  }

  /** One call on its own: a deadline if it has one, and every retry its rules allow. */
  static single(now: () => number, deadline?: number): Cycle {
    return new Cycle(now, deadline, undefined);
  }

  /** The calls of one `fetchAll`: a host that timed out for one of them is not called by the others. */
  static shared(now: () => number, deadline?: number): Cycle {
    return new Cycle(now, deadline, new Set());
  }

  /** The same cycle, with the earlier of its deadline and `deadline`. */
  narrowedTo(deadline: number | undefined): Cycle {
    if (deadline === undefined || (this.deadline !== undefined && this.deadline <= deadline)) return this;
    return new Cycle(this.#now, deadline, this.#hanging);
  }

  /** Throws the failure of a call that must not start now: the deadline has passed. */
  assertBeforeDeadline(ctx: CallContext): void {
    if (this.deadline !== undefined && this.#now() >= this.deadline) {
      throw new SourceError(ctx, { kind: 'deadline' }, "not called: the cycle's deadline has passed");
    }
  }

  /**
   * The budget of the next attempt on `host`: the transport's timeout, cut to the time left before the
   * deadline. Throws instead when no attempt may start: the deadline has passed, or the host did not
   * answer earlier in this cycle.
   */
  attempt(ctx: CallContext, host: string, timeoutMs: number): AttemptBudget {
    this.assertBeforeDeadline(ctx);
    if (this.#hanging?.has(host)) {
      throw new SourceError(ctx, { kind: 'timeout' }, `not called: ${host} did not answer in this cycle`);
    }
    const left = this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - this.#now();
    return left < timeoutMs ? { ms: Math.max(1, Math.ceil(left)), cut: true } : { ms: timeoutMs, cut: false };
  }

  /**
   * The failure of an attempt that got no answer within its budget. A full timeout marks the host as
   * hanging for the rest of the cycle; an attempt the deadline cut short says so instead.
   */
  timedOut(ctx: CallContext, host: string, budget: AttemptBudget, reason: string): SourceError {
    if (budget.cut) return new SourceError(ctx, { kind: 'deadline' }, "no answer before the cycle's deadline");
    this.#hanging?.add(host);
    return new SourceError(ctx, { kind: 'timeout' }, reason);
  }

  /** Whether a retry on `host` may start: not once it failed to answer in this cycle. */
  mayRetry(host: string): boolean {
    return !this.#hanging?.has(host);
  }
}
