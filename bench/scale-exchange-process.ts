import { createInterface } from 'node:readline';
import { z } from 'zod';
import { SOURCE_IDS } from '#core/position.js';
import { manyPositions, type SimAccount, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { benchAccount } from './accounts.js';

/*
 * One host family of the scale benchmark in a process of its own: one simulator per address, each with
 * the exchange's real weight limit (2,400 a minute) and its own meter, as the exchange counts an IP's
 * weight. Prints `{"addresses": [{"url", "wsUrl"}, …]}` once listening, then answers one JSON line per
 * command:
 *   skew <i> <ms>   set address i's clock ahead of the local one (so a run starts with a fresh minute)
 *   stats <i>       address i's open TCP connections and its 429 and 418 answers so far
 *   close           close and exit
 */

const ArgsSchema = z.object({
  /** Per address: the first bench account it serves and how many. */
  addresses: z.array(z.object({ from: z.number().int().min(0), count: z.number().int().min(1).max(1000) })),
  positionsPerSource: z.number().int().min(0).max(100),
  latencyMs: z.number().min(0),
});

const args = ArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const sims = await Promise.all(
  args.addresses.map(({ from, count }) => {
    const accounts: SimAccount[] = Array.from({ length: count }, (_, i) => ({
      ...benchAccount(from + i),
      positions: Object.fromEntries(SOURCE_IDS.map((s) => [s, manyPositions(args.positionsPerSource, s)])),
    }));
    // No weightLimitPerMinute: the simulator's default is the exchange's 2,400.
    return startExchangeSimulator({ accounts, latencyMs: args.latencyMs });
  }),
);
process.stdout.write(`${JSON.stringify({ addresses: sims.map((s) => ({ url: s.url, wsUrl: s.wsUrl })) })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, index, value] = line.trim().split(/\s+/);
  const sim = sims[Number(index)];
  if (command === 'close') break;
  if (command === 'skew' && sim) {
    sim.setClockSkew(Number(value));
    process.stdout.write(`${JSON.stringify({ skewMs: Number(value) })}\n`);
  } else if (command === 'stats' && sim) {
    const refused = (status: number) => sim.requests.filter((r) => r.status === status).length;
    process.stdout.write(
      `${JSON.stringify({ sockets: sim.openSockets(), tooMany: refused(429), banned: refused(418) })}\n`,
    );
  } else {
    process.stdout.write(`${JSON.stringify({ error: `unknown command ${line}` })}\n`);
  }
}
await Promise.all(sims.map((s) => s.close()));
process.exit(0);
