import { KeysError } from '#binance/keys.js';
import { ConfigError } from '#config/load.js';
import { messageOf } from '#shared/errors.js';
import { runCheckCommand } from './check.js';
import { runConfigCommand } from './config.js';
import { type CliIo, processIo, UsageError } from './io.js';
import { runPositionsCommand } from './positions.js';
import { runServeCommand } from './serve.js';
import { runStartCommand } from './start.js';
import { runTelegramCommand } from './telegram.js';
import { runWatchCommand } from './watch.js';

const USAGE = `liqwatch — liquidation-risk alerts for Binance derivatives

Usage:
  liqwatch positions --source <id> --keys <file> [--base-url <url>] [--symbol <s>] [--pair <p>] [--margin-asset <a>] [--all] [--json]
  liqwatch positions --config <file> [--account <name>] [--symbol <s>] [--all] [--json]
  liqwatch start [--config <file>] [--interval <s>] [--cycles <n>] [--state-dir <dir>]   (npm start: the demo without a config)
  liqwatch watch --config <file> [--interval <s>] [--state-dir <dir>]   (the exchange's streams held: alerts within seconds)
  liqwatch check --config <file> [--once | --cycles <n> --interval <s>] [--state-dir <dir>] [--json]
  liqwatch config validate <file>
  liqwatch serve [--port <p>] [--host <h>] [--state-dir <dir>]      (env TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, LIQWATCH_CONFIG)
  liqwatch telegram set-webhook --url <url>                          (env TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET)
  liqwatch telegram put-token --secret-id <id>                       (env TELEGRAM_BOT_TOKEN; AWS credentials)

Sources: usdm, usdm-ws, coinm, pm-um, pm-cm.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  positions: runPositionsCommand,
  check: runCheckCommand,
  config: runConfigCommand,
  serve: runServeCommand,
  start: runStartCommand,
  telegram: runTelegramCommand,
  watch: runWatchCommand,
};

/** The `liqwatch` command: returns the exit status; a failure prints one line (or a config's problems) on stderr. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`liqwatch: unknown command "${name}"; try: ${Object.keys(COMMANDS).join(', ')} (liqwatch --help)\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`liqwatch ${name}: ${error.message} (liqwatch --help)\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof KeysError) {
      io.stderr(`liqwatch ${name}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`liqwatch ${name}: ${messageOf(error)}\n`);
    return 1;
  }
}
