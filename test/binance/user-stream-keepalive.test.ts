/*
 * Keeping a listen key alive, on a clock the test moves and a stand-in for the exchange's answers:
 * on time, again a minute after a failure, and handing a key the exchange no longer knows (-1125) to
 * its owner instead of keeping it alive.
 */
import { describe, expect, it } from 'vitest';
import { SourceError } from '#binance/errors.js';
import type { ListenKeyRequest } from '#binance/listen-key.js';
import { Signer } from '#binance/sign.js';
import { KEEPALIVE_RETRY_MS, KeepAlive } from '#binance/user-stream-keepalive.js';
import { eventually } from './scenario.js';
import { FakeClock } from './user-stream-fakes.js';

const MINUTE = 60_000;
const request: ListenKeyRequest = {
  account: 'main',
  source: 'usdm',
  signer: Signer.fromKeys({ apiKey: `key-${'k'.repeat(30)}`, apiSecret: 's'.repeat(40) }, 'main'),
};
const ctx = { account: 'main', source: 'usdm', endpoint: 'PUT /fapi/v1/listenKey' } as const;
const refusal = (httpStatus: number, exchangeCode: number, message: string) =>
  new SourceError(ctx, { kind: 'exchange', httpStatus, exchangeCode, exchangeMessage: message }, 'refused');

/** The exchange's answers to the keepalives, in order; `undefined` is a success. */
function exchange(answers: (SourceError | undefined)[]) {
  const sent: number[] = [];
  return {
    sent,
    keys: {
      keepAlive: async () => {
        sent.push(sent.length);
        const answer = answers.shift();
        if (answer) throw answer;
      },
    },
  };
}

describe('keeping a listen key alive', () => {
  it('sends a keepalive every interval, and one a minute after a failure', async () => {
    const clock = new FakeClock();
    const fake = exchange([undefined, refusal(503, -1001, 'Internal error'), undefined]);
    const failures: string[] = [];
    const keepAlive = new KeepAlive(fake.keys, clock, 30 * MINUTE);
    keepAlive.start(request, { gone: () => failures.push('gone'), failed: (m) => failures.push(m) });

    clock.advance(30 * MINUTE);
    await eventually(() => clock.pending()[0] === 30 * MINUTE, 1_000, 'the next keepalive planned');
    clock.advance(30 * MINUTE);
    await eventually(() => failures.length === 1, 1_000, 'the failure reported');
    expect(failures[0]).toContain('main usdm PUT /fapi/v1/listenKey: HTTP 503 code -1001');
    expect(clock.pending()).toEqual([KEEPALIVE_RETRY_MS]);
    clock.advance(KEEPALIVE_RETRY_MS);
    await eventually(() => clock.pending()[0] === 30 * MINUTE, 1_000, 'back on the interval');
    expect(fake.sent).toHaveLength(3);
    keepAlive.stop();
    expect(clock.pending()).toEqual([]);
  });

  it('hands -1125 to its owner and sends no more', async () => {
    const clock = new FakeClock();
    const fake = exchange([refusal(400, -1125, 'This listenKey does not exist.')]);
    const told: string[] = [];
    new KeepAlive(fake.keys, clock, 30 * MINUTE).start(request, {
      gone: () => told.push('gone'),
      failed: (m) => told.push(m),
    });
    clock.advance(30 * MINUTE);
    await eventually(() => told.length === 1, 1_000, 'the key told gone');
    expect(told).toEqual(['gone']);
    expect(clock.pending()).toEqual([]);
  });

  it('ignores the answer of a keepalive sent before it was stopped', async () => {
    const clock = new FakeClock();
    let answer: (() => void) | undefined;
    const keys = { keepAlive: () => new Promise<void>((resolve) => (answer = resolve)) };
    const keepAlive = new KeepAlive(keys, clock, 30 * MINUTE);
    keepAlive.start(request, { gone: () => {}, failed: () => {} });
    clock.advance(30 * MINUTE);
    keepAlive.stop();
    answer?.();
    // Every reaction to that answer runs before the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pending()).toEqual([]);
  });
});
