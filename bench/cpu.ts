import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import { BinanceClient } from '#binance/client.js';
import { Signer } from '#binance/sign.js';
import type { SourceId } from '#core/position.js';
import { benchAccount } from './accounts.js';
import type { RemoteExchange } from './exchange.js';
import { median } from './stats.js';

export interface CpuResult {
  /** Median CPU time per call (user + system), in microseconds. */
  cpuUs: number;
  /** Median wall time per call, in milliseconds. */
  wallMs: number;
  /** Positions (rows) in each response. */
  rows: number;
}

type Call = () => Promise<number>;

/** One `usdm` or `usdm-ws` read of the benchmark's first account with liqwatch's client: signed, sent, parsed, validated, normalised. */
function oursCall(exchange: RemoteExchange, client: BinanceClient, source: SourceId): Call {
  const { name, apiKey, apiSecret } = benchAccount(0);
  const request = {
    account: name,
    source,
    signer: Signer.fromKeys({ apiKey, apiSecret }, name),
    endpoint: source === 'usdm-ws' ? exchange.wsUrl : exchange.url,
  };
  return async () => (await client.fetchPositions(request)).length;
}

/**
 * The same read with the exchange's official connector: `positionInformationV2` signs and sends
 * `GET /fapi/v2/positionRisk`, and `data()` parses the body. It neither validates nor normalises.
 */
function connectorCall(exchange: RemoteExchange): Call {
  const { apiKey, apiSecret } = benchAccount(0);
  const connector = new DerivativesTradingUsdsFutures({
    configurationRestAPI: { apiKey, apiSecret, basePath: exchange.url, timeout: 5_000, retries: 0 },
  });
  return async () => {
    const response = await connector.restAPI.positionInformationV2();
    return (await response.data()).length;
  };
}

async function measure(call: Call, calls: number): Promise<CpuResult> {
  let rows = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) rows = await call();
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / calls, wallMs: (performance.now() - started) / calls, rows };
}

/**
 * Client overhead per call on a large response, liqwatch's client against the official connector,
 * in the same process against the same exchange (which runs in another process, so its work is not
 * counted). Both warm up first; then `rounds` rounds of `calls` calls each, the order alternating, and
 * the median round is kept.
 */
export async function measureCpu(
  exchange: RemoteExchange,
  opts: { calls: number; rounds: number },
): Promise<{ ours: CpuResult; connector: CpuResult; oursWs: CpuResult }> {
  const client = new BinanceClient();
  try {
    const contenders: Record<'ours' | 'connector' | 'oursWs', Call> = {
      ours: oursCall(exchange, client, 'usdm'),
      connector: connectorCall(exchange),
      oursWs: oursCall(exchange, client, 'usdm-ws'),
    };
    const samples = { ours: [] as CpuResult[], connector: [] as CpuResult[], oursWs: [] as CpuResult[] };
    for (const call of Object.values(contenders)) await measure(call, Math.max(20, opts.calls / 2));
    for (let round = 0; round < opts.rounds; round++) {
      const order: (keyof typeof contenders)[] =
        round % 2 === 0 ? ['ours', 'connector', 'oursWs'] : ['connector', 'oursWs', 'ours'];
      for (const name of order) samples[name].push(await measure(contenders[name], opts.calls));
    }
    const summarise = (s: CpuResult[]): CpuResult => ({
      cpuUs: median(s.map((x) => x.cpuUs)),
      wallMs: median(s.map((x) => x.wallMs)),
      rows: s[0]?.rows ?? 0,
    });
    return {
      ours: summarise(samples.ours),
      connector: summarise(samples.connector),
      oursWs: summarise(samples.oursWs),
    };
  } finally {
    await client.close();
  }
}
