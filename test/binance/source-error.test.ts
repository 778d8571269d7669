import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { SourceError } from '#binance/errors.js';
import { Signer } from '#binance/sign.js';

/** An exchange (or a gateway in front of it) whose error `msg` is huge: a bare server, as the simulator's are real. */
const server = createServer((req, res) => {
  res.setHeader('Content-Type', 'application/json');
  if (req.url?.startsWith('/fapi/v1/time')) {
    res.end(JSON.stringify({ serverTime: Date.now() }));
    return;
  }
  res.statusCode = 400;
  res.end(JSON.stringify({ code: -1130, msg: `Data sent for parameter is not valid: ${'<&>'.repeat(100_000)}` }));
});
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the exchange's error message", () => {
  it('is capped where it enters the error, so it cannot flood a log line or a chat message', async () => {
    const client = new BinanceClient({ timeoutMs: 1_000, backoffMs: 5, keepAliveTimeoutMs: 1_000 });
    const signer = Signer.fromKeys({ apiKey: `key-${'k'.repeat(24)}`, apiSecret: 's'.repeat(32) }, 'main');
    let error: unknown;
    try {
      await client.fetchPositions({ account: 'main', source: 'usdm', signer, endpoint: url });
    } catch (e) {
      error = e;
    } finally {
      await client.close();
    }
    expect(error).toBeInstanceOf(SourceError);
    const e = error as SourceError;
    expect(e.exchangeCode).toBe(-1130);
    expect(e.message).toMatch(/^main usdm GET \/fapi\/v2\/positionRisk: HTTP 400 code -1130 .*Data sent for parameter/);
    expect(e.message).toContain('…');
    expect(e.message.length).toBeLessThan(500);
    expect(e.exchangeMessage!.length).toBeLessThanOrEqual(300);
  });
});
