import type { MarkTick, UserEvent } from '#binance/stream-events.js';
import type { StreamFactory, StreamHandlers } from '#check/watch.js';

/** Stream stand-ins: what was opened and followed, and a way to push into what the watcher opened. */
export class FakeStreams implements StreamFactory {
  followed: Record<string, string[]> = {};
  ticks: ((t: MarkTick) => void)[] = [];
  events: ((e: UserEvent) => void)[] = [];
  gaps: StreamHandlers['onGap'][] = [];
  closed = 0;
  opened = 0;
  market(market: 'usdm' | 'coinm', h: StreamHandlers & { onTick(t: MarkTick): void }) {
    this.opened++;
    this.ticks.push(h.onTick);
    this.gaps.push(h.onGap);
    return {
      follow: async (symbols: readonly string[]) => {
        this.followed[market] = [...symbols];
      },
      close: async () => void this.closed++,
    };
  }
  user(_account: unknown, _source: unknown, h: StreamHandlers & { onEvent(e: UserEvent): void }) {
    this.opened++;
    this.events.push(h.onEvent);
    return { start: async () => {}, close: async () => void this.closed++ };
  }
  push(t: MarkTick) {
    for (const f of this.ticks) f(t);
  }
}
