import { BinanceClient, type PositionRequest } from '#binance/client.js';
import type { HostWeight } from '#binance/rest.js';
import { Signer } from '#binance/sign.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { benchAccount } from './accounts.js';
import type { ExchangeHosts, RemoteExchange } from './exchange.js';
import { median } from './stats.js';

/** The product's setting: the check and the CLI read at most 16 sources at once. */
export const CONCURRENCY = 16;

export interface FanOutResult {
  accounts: number;
  calls: number;
  /** Median wall time of one `fetchAll` of every source of every account, on a fresh client. */
  wallMs: number;
  /** Median of the sum of every call's own time: what reading them one after another would take. */
  sumMs: number;
  /** Median of the slowest call inside the run. */
  slowestInRunMs: number;
  failures: number;
  /** TCP connections the exchange hosts still had open after `close()`, at most over the runs. */
  socketsAfterClose: number;
  /** The request weight each host reported to the first run. */
  weights: HostWeight[];
}

export function requestsFor(hosts: ExchangeHosts, accounts: number, sources: readonly SourceId[] = SOURCE_IDS) {
  const requests: PositionRequest[] = [];
  for (let i = 0; i < accounts; i++) {
    const { name, apiKey, apiSecret } = benchAccount(i);
    const signer = Signer.fromKeys({ apiKey, apiSecret }, name);
    for (const source of sources) requests.push({ account: name, source, signer, endpoint: hosts.endpointOf(source) });
  }
  return requests;
}

/**
 * One call of each source alone, on a fresh client each time, so the TCP connection and the WebSocket
 * handshake are included: the median time per source over `reps` runs.
 */
export async function measureSingleCalls(hosts: ExchangeHosts, reps: number): Promise<Record<SourceId, number>> {
  const times = Object.fromEntries(SOURCE_IDS.map((s) => [s, [] as number[]])) as Record<SourceId, number[]>;
  for (let rep = 0; rep < reps; rep++) {
    for (const source of SOURCE_IDS) {
      const [request] = requestsFor(hosts, 1, [source]);
      const client = new BinanceClient();
      const started = performance.now();
      await client.fetchPositions(request!);
      times[source].push(performance.now() - started);
      await client.close();
    }
  }
  return Object.fromEntries(SOURCE_IDS.map((s) => [s, median(times[s])])) as Record<SourceId, number>;
}

/** Every source of `accounts` accounts in one `fetchAll`, on a fresh client, `reps` times. */
export async function measureFanOut(hosts: ExchangeHosts, accounts: number, reps: number): Promise<FanOutResult> {
  const requests = requestsFor(hosts, accounts);
  const walls: number[] = [];
  const sums: number[] = [];
  const slowest: number[] = [];
  let failures = 0;
  let socketsAfterClose = 0;
  let weights: HostWeight[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const client = new BinanceClient();
    const started = performance.now();
    const results = await client.fetchAll(requests, { concurrency: CONCURRENCY });
    walls.push(performance.now() - started);
    sums.push(results.reduce((sum, r) => sum + r.ms, 0));
    slowest.push(Math.max(...results.map((r) => r.ms)));
    failures += results.filter((r) => !r.ok).length;
    if (rep === 0) weights = client.usedWeight();
    await client.close();
    for (const host of hosts.all()) socketsAfterClose = Math.max(socketsAfterClose, await settledSockets(host));
  }
  return {
    accounts,
    calls: requests.length,
    wallMs: median(walls),
    sumMs: median(sums),
    slowestInRunMs: median(slowest),
    failures,
    socketsAfterClose,
    weights,
  };
}

/** A host sees a closed connection a moment after the client closes it. */
async function settledSockets(host: RemoteExchange): Promise<number> {
  let open = await host.openSockets();
  for (let i = 0; i < 50 && open > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    open = await host.openSockets();
  }
  return open;
}
