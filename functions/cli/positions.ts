import { resolve } from 'node:path';
import { failureLines, readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient, type PositionRequest } from '#binance/client.js';
import { Signer } from '#binance/sign.js';
import type { PositionFilter } from '#binance/sources/index.js';
import { createLocalKeysProvider, readKeysFile } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { renderPositionsTable } from '#core/format/positions-table.js';
import { isOpen, isSourceId, type Position, SOURCE_IDS } from '#core/position.js';
import { parseOptions } from './args.js';
import { type CliIo, UsageError } from './io.js';

const OPTIONS = {
  source: { type: 'string' },
  keys: { type: 'string' },
  'base-url': { type: 'string' },
  config: { type: 'string' },
  account: { type: 'string' },
  symbol: { type: 'string' },
  pair: { type: 'string' },
  'margin-asset': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/**
 * `liqwatch positions`: one source read with a keys file, or every source of the configured accounts.
 * Humans get a table nearest-to-liquidation first; `--json` prints the position contract.
 */
export async function runPositionsCommand(args: string[], io: CliIo): Promise<number> {
  const { values: o } = parseOptions(args, OPTIONS);
  const filter: PositionFilter = {
    ...(o.symbol ? { symbol: o.symbol.toUpperCase() } : {}),
    ...(o.pair ? { pair: o.pair.toUpperCase() } : {}),
    ...(o['margin-asset'] ? { marginAsset: o['margin-asset'].toUpperCase() } : {}),
  };
  const client = new BinanceClient();
  try {
    const read = o.config
      ? await readConfigured(o, filter, io, client)
      : await readRequests(await fromKeys(o, filter, io), client);
    const shown = o.all ? read.positions : read.positions.filter(isOpen);
    // Nothing read is not "no positions": print nothing a reader could take for "no risk".
    if (read.anyRead) {
      io.stdout(o.json ? `${JSON.stringify(shown, null, 2)}\n` : `${renderPositionsTable(shown)}\n`);
    }
    for (const line of read.failures) io.stderr(`liqwatch positions: ${line}\n`);
    return read.failures.length === 0 ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** What the command read: the positions, a line per failure, and whether anything was read at all. */
interface Read {
  positions: Position[];
  failures: string[];
  anyRead: boolean;
}

async function readRequests(requests: PositionRequest[], client: BinanceClient): Promise<Read> {
  const results = await client.fetchAll(requests, { concurrency: 16 });
  return {
    positions: results.flatMap((r) => (r.ok ? r.positions : [])),
    failures: results.flatMap((r) => (r.ok ? [] : [r.error.message])),
    anyRead: results.some((r) => r.ok),
  };
}

type Options = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

async function fromKeys(o: Options, filter: PositionFilter, io: CliIo): Promise<PositionRequest[]> {
  if (!o.source || !o.keys) throw new UsageError('give --source <id> and --keys <file>, or --config <file>');
  if (!isSourceId(o.source)) {
    throw new UsageError(`unknown source "${o.source}"; the sources are ${SOURCE_IDS.join(', ')}`);
  }
  if (o.account) throw new UsageError('--account goes with --config');
  const path = resolve(io.cwd, o.keys);
  const account = 'cli';
  const signer = Signer.fromKeys(await readKeysFile(path, `keys file ${path}`), account);
  return [{ account, source: o.source, signer, endpoint: o['base-url'], filter }];
}

async function readConfigured(o: Options, filter: PositionFilter, io: CliIo, client: BinanceClient): Promise<Read> {
  if (o.source || o.keys || o['base-url']) {
    throw new UsageError(
      '--config reads the sources, keys and endpoints from the config; drop --source, --keys and --base-url',
    );
  }
  const { config, baseDir } = await loadConfig(o.config!, io.cwd);
  const accounts = o.account ? config.accounts.filter((a) => a.name === o.account) : config.accounts;
  if (accounts.length === 0) {
    throw new UsageError(
      `no account "${o.account}" in the config; it has ${config.accounts.map((a) => a.name).join(', ')}`,
    );
  }
  const keys = await createLocalKeysProvider(accounts, baseDir, io.env);
  const reads = await readAccounts({ config, exchange: client, keys }, accounts, { filter });
  const outcomes = reads.flatMap((r) => r.outcomes);
  return {
    positions: outcomes.flatMap((o) => (o.ok ? o.positions : [])),
    failures: failureLines(reads),
    anyRead: outcomes.some((o) => o.ok),
  };
}
