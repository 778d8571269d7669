import { exchangeStreams } from '#check/exchange-streams.js';
import { type StreamFactory, Watcher } from '#check/watch.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { LocalRuntime } from './local-runtime.js';

/**
 * Holds the exchange's streams until `stopped`: the watcher reads every account now and every `rereadMs`,
 * judges each tick and account event between, and `onCycle` runs after each of its cycles (to print).
 */
export async function watchUntilStopped(parts: {
  runtime: LocalRuntime;
  keys: KeysProvider;
  rereadMs: number;
  stopped: Promise<unknown>;
  onCycle: () => void;
  streams?: StreamFactory | undefined;
}): Promise<void> {
  const { runtime } = parts;
  const streams = parts.streams ?? exchangeStreams({ config: runtime.check.config, keys: parts.keys });
  const watcher = new Watcher({ ...runtime.check, streams }, { rereadMs: parts.rereadMs });
  let seen = 0;
  const timer = setInterval(() => {
    if (watcher.totals().cycles === seen) return;
    seen = watcher.totals().cycles;
    parts.onCycle();
  }, 200);
  const done = watcher.run(Number.POSITIVE_INFINITY);
  try {
    await Promise.race([parts.stopped, done]);
  } finally {
    clearInterval(timer);
    await watcher.close();
    await done.catch(() => {});
    parts.onCycle();
  }
}
