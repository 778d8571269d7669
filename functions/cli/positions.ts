import { resolve } from 'node:path';
import { readAccounts } from '#accounts/read-accounts.js';
import { type LiveView, liveView } from '#accounts/read-positions.js';
import { BinanceClient, type PositionRequest } from '#binance/client.js';
import { Signer } from '#binance/sign.js';
import type { PositionFilter } from '#binance/sources/index.js';
import { createLocalKeysProvider, readKeysFile } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { accountRuleSettings } from '#config/routes.js';
import { renderPositionsTable } from '#core/format/positions-table.js';
import type { RiskLineSettings } from '#core/format/risk-lines.js';
import { accountRiskJson, readingLines } from '#core/format/risk-view.js';
import { isOpen, isSourceId, type Position, SOURCE_IDS } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { type CliIo, UsageError } from './io.js';

/** `liqwatch positions`'s options, as the command line parses them (program.ts). */
export interface PositionsOptions {
  source?: string;
  keys?: string;
  baseUrl?: string;
  config?: string;
  account?: string;
  symbol?: string;
  pair?: string;
  marginAsset?: string;
  all?: boolean;
  json?: boolean;
}

/**
 * `liqwatch positions`: one source read with a keys file, or every source of the configured accounts,
 * each account's margin numbers read beside its positions. Humans get the numbers, a line per book, above
 * a table nearest-to-liquidation first; `--json` prints `{ positions, accounts }`: the position contract
 * and the account-risk contract.
 */
export async function runPositionsCommand(o: PositionsOptions, io: CliIo): Promise<number> {
  const filter: PositionFilter = {
    ...(o.symbol ? { symbol: o.symbol.toUpperCase() } : {}),
    ...(o.pair ? { pair: o.pair.toUpperCase() } : {}),
    ...(o.marginAsset ? { marginAsset: o.marginAsset.toUpperCase() } : {}),
  };
  const client = new BinanceClient();
  try {
    const read = o.config
      ? await readConfigured(o, filter, io, client)
      : await readWithKeys(await fromKeys(o, filter, io), client);
    const { view } = read;
    const shown = o.all ? view.positions : view.positions.filter(isOpen);
    // Nothing read is not "no positions": print nothing a reader could take for "no risk".
    if (view.anyRead) io.stdout(o.json ? jsonOf(shown, view) : textOf(shown, view, read.settingsOf));
    const failures = [...view.failures, ...view.riskFailures];
    for (const line of failures) io.stderr(`liqwatch positions: ${line}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** What the command read, and the thresholds each account's numbers are judged by. */
interface Read {
  view: LiveView;
  settingsOf: (account: string) => RiskLineSettings;
}

/** The numbers, a line per book (a book not read says so), then the table. */
function textOf(shown: readonly Position[], view: LiveView, settingsOf: Read['settingsOf']): string {
  const lines = view.accounts.flatMap((a) => readingLines(a, settingsOf(a.account)).map((l) => l.text));
  return `${lines.length ? `${lines.join('\n')}\n\n` : ''}${renderPositionsTable(shown)}\n`;
}

function jsonOf(shown: readonly Position[], view: LiveView): string {
  const accounts = view.accounts.flatMap((a) => a.risks.map(accountRiskJson));
  return `${JSON.stringify({ positions: shown, accounts }, null, 2)}\n`;
}

/** One source with a keys file: its positions and, beside them, its account page (no ADL quantiles). */
async function readWithKeys(request: PositionRequest, client: BinanceClient): Promise<Read> {
  const { account, source, signer, endpoint } = request;
  const [outcomes, risks] = await Promise.all([
    client.fetchAll([request], { concurrency: 16 }),
    // Portfolio Margin: `/papi/v1/account` is the whole account's, whichever of pm-um and pm-cm is named.
    client.fetchRisks([{ account, source, signer, endpoint, parts: { account: true, adl: false } }]),
  ]);
  const defaults = resolveRuleSettings();
  return { view: liveView([{ account, outcomes, risks }]), settingsOf: () => defaults };
}

async function fromKeys(o: PositionsOptions, filter: PositionFilter, io: CliIo): Promise<PositionRequest> {
  if (!o.source || !o.keys) throw new UsageError('give --source <id> and --keys <file>, or --config <file>');
  if (!isSourceId(o.source)) {
    throw new UsageError(`unknown source "${o.source}"; the sources are ${SOURCE_IDS.join(', ')}`);
  }
  if (o.account) throw new UsageError('--account goes with --config');
  const path = resolve(io.cwd, o.keys);
  const account = 'cli';
  const signer = Signer.fromKeys(await readKeysFile(path, `keys file ${path}`), account);
  return { account, source: o.source, signer, endpoint: o.baseUrl, filter };
}

async function readConfigured(
  o: PositionsOptions,
  filter: PositionFilter,
  io: CliIo,
  client: BinanceClient,
): Promise<Read> {
  if (o.source || o.keys || o.baseUrl) {
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
  const reads = await readAccounts({ config, exchange: client, keys }, accounts, { filter, risks: 'numbers' });
  return {
    view: liveView(reads.map((r) => ({ account: r.account.name, outcomes: r.outcomes, risks: r.risks }))),
    settingsOf: (account) => accountRuleSettings(config, account),
  };
}
