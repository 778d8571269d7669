import { createInterface } from 'node:readline';
import { z } from 'zod';
import { SOURCE_IDS } from '#core/position.js';
import { manyPositions, type SimAccount, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { benchAccount } from './accounts.js';

/*
 * The exchange simulator in a process of its own, so that the CPU time the benchmark measures is the
 * client's alone. It prints `{"url", "wsUrl"}` on one line once listening, then takes commands on
 * stdin, one a line, and answers each with one JSON line:
 *   latency <ms>   set the latency of every reply
 *   sockets        the TCP connections open now
 *   close          close and exit
 */

const ArgsSchema = z.object({
  /** Accounts named bench00…, each with `positionsPerSource` legs on every source. */
  accounts: z.number().int().min(1).max(1000),
  positionsPerSource: z.number().int().min(0).max(5000),
  latencyMs: z.number().min(0),
});

const args = ArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const accounts: SimAccount[] = Array.from({ length: args.accounts }, (_, i) => ({
  ...benchAccount(i),
  positions: Object.fromEntries(SOURCE_IDS.map((source) => [source, manyPositions(args.positionsPerSource, source)])),
}));

const sim = await startExchangeSimulator({
  accounts,
  latencyMs: args.latencyMs,
  // The benchmark measures the client, not the exchange's limits.
  weightLimitPerMinute: 1_000_000_000,
});
process.stdout.write(`${JSON.stringify({ url: sim.url, wsUrl: sim.wsUrl })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, value] = line.trim().split(/\s+/);
  if (command === 'latency') {
    sim.setLatency(Number(value));
    process.stdout.write(`${JSON.stringify({ latencyMs: Number(value) })}\n`);
  } else if (command === 'sockets') {
    process.stdout.write(`${JSON.stringify({ sockets: sim.openSockets() })}\n`);
  } else if (command === 'close') {
    break;
  } else {
    process.stdout.write(`${JSON.stringify({ error: `unknown command ${command}` })}\n`);
  }
}
await sim.close();
process.exit(0);
