import { createInterface } from 'node:readline';
import { z } from 'zod';
import { readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { SOURCE_IDS } from '#core/position.js';
import { benchAccount } from './accounts.js';

/*
 * One check's exchange reads (`readAccounts` with the rules' account reads, as the check makes them) of
 * one address's accounts on all five sources, in a process of its own as one Lambda invocation would run
 * them, so its peak memory is its own. Prints one JSON line of figures once the client is closed, then
 * waits for a line on stdin (the exchange counts the sockets left meanwhile) and exits.
 */

const ArgsSchema = z.object({
  from: z.number().int().min(0),
  count: z.number().int().min(1),
  endpoints: z.object({ fapi: z.string(), ws: z.string(), dapi: z.string(), papi: z.string() }),
  /** The address's clock ahead of the local one (scale-exchange.ts `startMinute`). */
  skewMs: z.number(),
});
const args = ArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const bench = Array.from({ length: args.count }, (_, i) => benchAccount(args.from + i));
const { fapi, ws, dapi, papi } = args.endpoints;
const config = parseConfig(
  {
    accounts: bench.map((a, i) => ({ name: a.name, sources: [...SOURCE_IDS], keysEnv: `KEYS_${i}` })),
    telegram: { chatIds: [1] },
    endpoints: { usdm: fapi, 'usdm-ws': ws, coinm: dapi, 'pm-um': papi, 'pm-cm': papi },
  },
  'bench',
);
const env = Object.fromEntries(
  bench.map((a, i) => [`KEYS_${i}`, JSON.stringify({ apiKey: a.apiKey, apiSecret: a.apiSecret })]),
);
const family = (host: string) => (host === dapi ? 'dapi' : host === papi ? 'papi' : 'fapi');

let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 5);
const exchange = new BinanceClient({ now: () => Date.now() + args.skewMs });
const started = performance.now();
const reads = await readAccounts(
  { config, exchange, keys: createKeysProvider({ baseDir: '.', env }), concurrency: 16 },
  config.accounts,
  { risks: 'rules' },
);
const wallMs = performance.now() - started;
clearInterval(sampler);
const used = { fapi: 0, dapi: 0, papi: 0 };
// A family's hosts share one meter: the highest reading is the check's total.
for (const w of exchange.usedWeight()) used[family(w.host)] = Math.max(used[family(w.host)], w.usedWeight1m);
const outcomes = reads.flatMap((r) => [...r.outcomes, ...r.risks]);
await exchange.close();
process.stdout.write(
  `${JSON.stringify({
    wallMs,
    reads: outcomes.length,
    failed: outcomes.filter((o) => !o.ok).length,
    used,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: peakHeap / 2 ** 20,
  })}\n`,
);
for await (const _ of createInterface({ input: process.stdin })) break;
process.exit(0);
