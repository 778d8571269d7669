import { SOURCE_IDS } from '#core/position.js';
import { DEFAULT_WEIGHT_SHARE, WEIGHT_LIMIT_PER_MINUTE, weightCapacity } from '#core/weight-capacity.js';
import { type Family, type ScaleAddress, spawnLineChild, startScaleExchange } from './scale-exchange.js';
import { fixed, renderTable } from './stats.js';

/*
 * The scale section of `npm run bench`: 1, 10, 100 and 500 accounts on all five sources, one check's
 * exchange reads against the simulator with 50 ms latency and the exchange's weight limit per address.
 * First all accounts from one address; where that needs more than the address's share of the limit,
 * the accounts split into shards of as many as an address holds (weight-capacity.ts), each shard its own
 * client and address, as a fan-out over invocations with addresses of their own would run them.
 */

export const SCALE_SIZES = [1, 10, 100, 500] as const;
const FAMILIES: readonly Family[] = ['fapi', 'dapi', 'papi'];

/** Accounts one address holds, checked once a minute, calm: the shard size. */
export const SHARD_SIZE = weightCapacity({
  accounts: [{ sources: SOURCE_IDS }],
  schedule: {},
  watch: { mode: 'off', rereadSeconds: 10 },
}).holds;

export interface ScaleRun {
  accounts: number;
  /** 1: every account from one address; more: shards, each its own address and client. */
  addresses: number;
  /** The slowest address's check: what the check takes with the shards invoked together. */
  wallMs: number;
  /** Per address, at most over the addresses. */
  maxRssMiB: number;
  peakHeapMiB: number;
  /** Per family, the busiest address's weight in the check's minute. */
  weight: Record<Family, number>;
  reads: number;
  failed: number;
  socketsLeft: number;
  tooMany: number;
  banned: number;
}

/** Accounts 0 … n-1 split into runs of `size`. */
const split = (n: number, size: number) =>
  Array.from({ length: Math.ceil(n / size) }, (_, i) => ({ from: i * size, count: Math.min(size, n - i * size) }));

/** One address's check, in a fresh minute of its own clock, in a process of its own. */
async function checkFrom(address: ScaleAddress, range: { from: number; count: number }) {
  const skewMs = await address.startMinute();
  const client = await spawnLineChild('./scale-client.ts', { ...range, endpoints: address.endpoints, skewMs });
  const figures = client.first as Pick<ScaleRun, 'wallMs' | 'maxRssMiB' | 'peakHeapMiB' | 'reads' | 'failed'> & {
    used: Record<Family, number>;
  };
  // The exchange sees a closed connection a moment after the client closed it: ask until it has (1 s at most).
  let stats = await address.stats();
  for (let i = 0; i < 20 && stats.sockets > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    stats = await address.stats();
  }
  await client.end('exit');
  return { ...figures, ...stats };
}

function combine(accounts: number, runs: Awaited<ReturnType<typeof checkFrom>>[]): ScaleRun {
  const max = (f: (r: (typeof runs)[number]) => number) => Math.max(...runs.map(f));
  const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((n, r) => n + f(r), 0);
  return {
    accounts,
    addresses: runs.length,
    wallMs: max((r) => r.wallMs),
    maxRssMiB: max((r) => r.maxRssMiB),
    peakHeapMiB: max((r) => r.peakHeapMiB),
    weight: { fapi: max((r) => r.used.fapi), dapi: max((r) => r.used.dapi), papi: max((r) => r.used.papi) },
    reads: sum((r) => r.reads),
    failed: sum((r) => r.failed),
    socketsLeft: sum((r) => r.sockets),
    tooMany: sum((r) => r.tooMany),
    banned: sum((r) => r.banned),
  };
}

/**
 * Each size from one address, and in shards where one address is over its share. The shards run one
 * after another (each on its own address, so their weight does not add up), and their wall time is the
 * slowest shard's, as when invoked together; one after another keeps the 2 cores from blurring it.
 */
export async function measureScale(latencyMs: number): Promise<ScaleRun[]> {
  const runs: ScaleRun[] = [];
  for (const n of SCALE_SIZES) {
    const shards = n > SHARD_SIZE ? split(n, SHARD_SIZE) : [];
    const exchange = await startScaleExchange({ addresses: [{ from: 0, count: n }, ...shards], latencyMs });
    try {
      runs.push(combine(n, [await checkFrom(exchange.addresses[0]!, { from: 0, count: n })]));
      const sharded = [];
      for (const [i, shard] of shards.entries()) sharded.push(await checkFrom(exchange.addresses[i + 1]!, shard));
      if (sharded.length) runs.push(combine(n, sharded));
    } finally {
      await exchange.close();
    }
  }
  return runs;
}

const BUDGET = WEIGHT_LIMIT_PER_MINUTE * DEFAULT_WEIGHT_SHARE;

/** Prints the section; returns its targets (no 429 or 418 in the sharded layout; nothing left open). */
export async function reportScale(
  print: (text?: string) => void,
  latencyMs: number,
): Promise<{ name: string; met: boolean; figure: string }[]> {
  const started = performance.now();
  const runs = await measureScale(latencyMs);
  print(
    `Scale: accounts on all five sources, one check's reads (positions, account pages, ADL), ${latencyMs} ms per call, ` +
      `the exchange's limit of ${WEIGHT_LIMIT_PER_MINUTE} weight a minute per address and host family; shards of ${SHARD_SIZE} ` +
      `(what one address holds at ${DEFAULT_WEIGHT_SHARE * 100} % of the limit), each its own client and address:`,
  );
  print(
    renderTable(
      [
        'accounts',
        'addresses',
        'wall s',
        'max RSS MiB',
        'peak heap MiB',
        ...FAMILIES.map((f) => `${f} weight`),
        'failed reads',
        'sockets left',
        '429',
        '418',
      ],
      runs.map((r) => [
        r.accounts,
        r.addresses,
        fixed(r.wallMs / 1000, 2),
        fixed(r.maxRssMiB),
        fixed(r.peakHeapMiB),
        ...FAMILIES.map((f) => r.weight[f]),
        `${r.failed}/${r.reads}`,
        r.socketsLeft,
        r.tooMany,
        r.banned,
      ]),
    ),
  );
  print(
    `(${fixed((performance.now() - started) / 1000)} s for the section; weight is the busiest address's, per minute at one check a minute)`,
  );
  print();
  // The layout liqwatch would run: one address where it holds the accounts, shards beyond.
  const chosen = SCALE_SIZES.map((n) => runs.filter((r) => r.accounts === n).at(-1)!);
  const clean = chosen.every(
    (r) => r.tooMany + r.banned + r.failed === 0 && FAMILIES.every((f) => r.weight[f] <= BUDGET),
  );
  return [
    {
      name: `scale: up to ${SCALE_SIZES.at(-1)} accounts with no 429, no ban, no failed read, each address within ${DEFAULT_WEIGHT_SHARE * 100} % of the limit`,
      met: clean,
      figure: chosen
        .map(
          (r) =>
            `${r.accounts}: ${r.addresses} address${r.addresses === 1 ? '' : 'es'}, papi ${r.weight.papi}, ${r.tooMany + r.banned} refused`,
        )
        .join('; '),
    },
    {
      name: 'scale: no socket left open after close()',
      met: runs.every((r) => r.socketsLeft === 0),
      figure: runs.map((r) => r.socketsLeft).join(', '),
    },
  ];
}
