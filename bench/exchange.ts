import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SourceId } from '#core/position.js';

/** The simulator running in its own process (see `exchange-process.ts`). */
export interface RemoteExchange {
  url: string;
  wsUrl: string;
  setLatency(ms: number): Promise<void>;
  openSockets(): Promise<number>;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./exchange-process.ts', import.meta.url));

/**
 * Starts the simulator in a child process with `accounts` accounts of `positionsPerSource` legs on
 * every source, so that its CPU time never counts as the client's.
 */
export async function startRemoteExchange(opts: {
  accounts: number;
  positionsPerSource: number;
  latencyMs: number;
}): Promise<RemoteExchange> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(opts)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the simulator process ended');
    return JSON.parse(value) as Record<string, unknown>;
  };
  const ask = async (command: string) => {
    child.stdin.write(`${command}\n`);
    return next();
  };
  const { url, wsUrl } = (await next()) as { url: string; wsUrl: string };
  return {
    url,
    wsUrl,
    async setLatency(ms) {
      await ask(`latency ${ms}`);
    },
    async openSockets() {
      return Number((await ask('sockets')).sockets);
    },
    async close() {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end('close\n');
      await ended;
    },
  };
}

/** The exchange's three host families, each in its own process, as Binance serves them from three hosts. */
export interface ExchangeHosts {
  /** `fapi` with its WebSocket API (usdm, usdm-ws), `dapi` (coinm), `papi` (pm-um, pm-cm). */
  fapi: RemoteExchange;
  dapi: RemoteExchange;
  papi: RemoteExchange;
  endpointOf(source: SourceId): string;
  all(): RemoteExchange[];
  close(): Promise<void>;
}

export async function startExchangeHosts(opts: Parameters<typeof startRemoteExchange>[0]): Promise<ExchangeHosts> {
  const [fapi, dapi, papi] = await Promise.all([
    startRemoteExchange(opts),
    startRemoteExchange(opts),
    startRemoteExchange(opts),
  ]);
  return {
    fapi,
    dapi,
    papi,
    endpointOf: (source) =>
      source === 'usdm-ws' ? fapi.wsUrl : source === 'usdm' ? fapi.url : source === 'coinm' ? dapi.url : papi.url,
    all: () => [fapi, dapi, papi],
    async close() {
      await Promise.all([fapi.close(), dapi.close(), papi.close()]);
    },
  };
}
