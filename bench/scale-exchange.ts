import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A child process that prints one JSON line when ready and answers each command with one JSON line. */
export interface LineChild {
  first: Record<string, unknown>;
  ask(command: string): Promise<Record<string, unknown>>;
  /** Sends the last command (or closes stdin) and waits for the process to end. */
  end(command?: string): Promise<void>;
}

/** Starts `bench/<file>` under tsx with one JSON argument, stderr passed through. */
export async function spawnLineChild(file: string, arg: unknown): Promise<LineChild> {
  const entry = fileURLToPath(new URL(file, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify(arg)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${file} ended early`);
    return JSON.parse(value) as Record<string, unknown>;
  };
  const first = await next();
  return {
    first,
    ask: (command) => {
      child.stdin!.write(`${command}\n`);
      return next();
    },
    end: async (command) => {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end(command ? `${command}\n` : undefined);
      await ended;
    },
  };
}

export type Family = 'fapi' | 'dapi' | 'papi';

/** One address of the exchange: its three host families, each a simulator with its own weight meter. */
export interface ScaleAddress {
  index: number;
  endpoints: { fapi: string; ws: string; dapi: string; papi: string };
  /** Moves the address's clock so that the exchange's current minute begins now. */
  startMinute(): Promise<number>;
  stats(): Promise<{ sockets: number; tooMany: number; banned: number }>;
}

/**
 * The exchange for one size of the benchmark: one process per host family (as bench/exchange.ts runs
 * them), each holding one simulator per address, so every address has its own meter per family.
 */
export async function startScaleExchange(opts: {
  addresses: { from: number; count: number }[];
  latencyMs: number;
}): Promise<{ addresses: ScaleAddress[]; close(): Promise<void> }> {
  const arg = { ...opts, positionsPerSource: 2 };
  const families = await Promise.all([0, 1, 2].map(() => spawnLineChild('./scale-exchange-process.ts', arg)));
  const [fapi, dapi, papi] = families as [LineChild, LineChild, LineChild];
  const urls = (c: LineChild) => c.first.addresses as { url: string; wsUrl: string }[];
  const addresses = opts.addresses.map(
    (_, i): ScaleAddress => ({
      index: i,
      endpoints: {
        fapi: urls(fapi)[i]!.url,
        ws: urls(fapi)[i]!.wsUrl,
        dapi: urls(dapi)[i]!.url,
        papi: urls(papi)[i]!.url,
      },
      async startMinute() {
        const skew = 60_000 - (Date.now() % 60_000);
        await Promise.all(families.map((c) => c.ask(`skew ${i} ${skew}`)));
        return skew;
      },
      async stats() {
        const all = (await Promise.all(families.map((c) => c.ask(`stats ${i}`)))) as {
          sockets: number;
          tooMany: number;
          banned: number;
        }[];
        return all.reduce((a, b) => ({
          sockets: a.sockets + b.sockets,
          tooMany: a.tooMany + b.tooMany,
          banned: a.banned + b.banned,
        }));
      },
    }),
  );
  return { addresses, close: async () => void (await Promise.all(families.map((c) => c.end('close')))) };
}
