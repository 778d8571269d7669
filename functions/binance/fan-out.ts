/** One item's outcome: what its task gave or threw, and how long it took. */
export type Settled<T, R> = { item: T; ms: number } & ({ ok: true; value: R } | { ok: false; error: unknown });

/**
 * Runs `task` on every item, at most `concurrency` at once, each settled on its own: one failure never
 * stops the others. The outcomes come in the items' order.
 */
export async function settleEach<T, R>(
  items: readonly T[],
  task: (item: T) => Promise<R>,
  opts: { concurrency: number; now: () => number },
): Promise<Settled<T, R>[]> {
  const outcomes = new Array<Settled<T, R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      const started = opts.now();
      try {
        const value = await task(item);
        outcomes[index] = { item, ok: true, value, ms: opts.now() - started };
      } catch (error) {
        outcomes[index] = { item, ok: false, error, ms: opts.now() - started };
      }
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}
