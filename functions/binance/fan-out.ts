/** One item's outcome: what its task gave or threw, and how long it took. */
export type Settled<T, R> = { item: T; ms: number } & ({ ok: true; value: R } | { ok: false; error: unknown });

export interface SettleOptions<T> {
  concurrency: number;
  now: () => number;
  /**
   * Local ms by which every item is settled. Items not started by then are not started; items still
   * running settle at once with `late(item, true)`, the others with `late(item, false)`.
   */
  deadline?: number | undefined;
  late?: (item: T, started: boolean) => unknown;
}

/**
 * Runs `task` on every item, at most `concurrency` at once, each settled on its own: one failure never
 * stops the others. The outcomes come in the items' order.
 */
export function settleEach<T, R>(
  items: readonly T[],
  task: (item: T) => Promise<R>,
  opts: SettleOptions<T>,
): Promise<Settled<T, R>[]> {
  if (items.length === 0) return Promise.resolve([]);
  const outcomes = new Array<Settled<T, R> | undefined>(items.length);
  const startedAt = new Array<number | undefined>(items.length);
  let next = 0;
  let left = items.length;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (index: number, outcome: Settled<T, R>) => {
      if (outcomes[index]) return; // settled by the deadline; what the task gave later is dropped
      outcomes[index] = outcome;
      left -= 1;
      if (left > 0) return;
      clearTimeout(timer);
      resolve(outcomes as Settled<T, R>[]);
    };
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        const item = items[index]!;
        const started = opts.now();
        startedAt[index] = started;
        try {
          const value = await task(item);
          settle(index, { item, ok: true, value, ms: opts.now() - started });
        } catch (error) {
          settle(index, { item, ok: false, error, ms: opts.now() - started });
        }
      }
    };
    const { deadline, late } = opts;
    if (deadline !== undefined && late) {
      timer = setTimeout(
        () => {
          next = items.length;
          items.forEach((item, index) => {
            const started = startedAt[index];
            const ms = started === undefined ? 0 : opts.now() - started;
            settle(index, { item, ok: false, error: late(item, started !== undefined), ms });
          });
        },
        Math.max(0, deadline - opts.now()),
      );
    }
    const workers = Math.max(1, Math.min(opts.concurrency, items.length));
    for (let w = 0; w < workers; w++) void worker();
  });
}
