import { Command, Option } from 'commander';
import { port, positiveInt } from './args.js';
import type { CliIo } from './io.js';

/*
 * The `liqwatch` command line: every command, its options and their help. A command's code is imported
 * when it runs, so `--help` and `--version` load nothing but this file.
 */

/** Runs one command and gives its exit status; `name` prefixes what it prints on failure. */
export type Runner = (name: string, run: () => Promise<number>) => Promise<void>;

const SOURCES = 'usdm, usdm-ws, coinm, pm-um, pm-cm';

/** package.json's version, written in by the bundler (bin/build.mjs); the sources run unbundled only in tests. */
declare const LIQWATCH_VERSION: string | undefined;
const VERSION = typeof LIQWATCH_VERSION === 'string' ? LIQWATCH_VERSION : 'unbundled';

export function buildProgram(io: CliIo, run: Runner): Command {
  const program = new Command('liqwatch')
    .description('liquidation-risk alerts for Binance derivatives')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text.replace(/^error: /, 'liqwatch: ')),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', `\nSources: ${SOURCES}.\nnpm start runs liqwatch start: the demo without a config.\n`);

  program
    .command('positions')
    .description("each account's margin numbers and open positions, nearest to liquidation first")
    .option('--config <file>', 'read the configured accounts')
    .option('--account <name>', 'with --config: only this account')
    .option('--source <id>', `with --keys: the one source to read (${SOURCES})`)
    .option('--keys <file>', 'with --source: a JSON keys file')
    .option('--base-url <url>', "with --source: an endpoint instead of the exchange's")
    .option('--symbol <s>', 'only this symbol')
    .option('--pair <p>', 'only this pair (COIN-M)')
    .option('--margin-asset <a>', 'only this margin asset (COIN-M)')
    .option('--all', 'also the legs with no position')
    .option('--json', 'print { positions, accounts } as JSON')
    .action((o) => run('positions', async () => (await import('./positions.js')).runPositionsCommand(o, io)));

  program
    .command('check')
    .description('the scheduled check, run from a terminal')
    .option('--config <file>', 'the config file, or inline JSON')
    .option('--once', 'run one cycle')
    .option('--cycles <n>', 'cycles to run', positiveInt)
    .option('--interval <s>', 'seconds between cycles (default 60)', positiveInt)
    .option('--state-dir <dir>', 'keep the state on disk, across runs')
    .option('--json', 'one alert per line, as JSON')
    .addHelpText('after', '\nEnv: TELEGRAM_BOT_TOKEN sends to the configured chats instead of stdout.\n')
    .action((o) => run('check', async () => (await import('./check.js')).runCheckCommand(o, io)));

  program
    .command('config')
    .description('check a config file')
    .command('validate')
    .description('print the config with every default filled in, or each problem with its path')
    .argument('<file>', 'the config file')
    .addOption(new Option('--for <where>', 'also what a deploy, or this machine, needs').choices(['deploy', 'local']))
    .action((file, o) => run('config', async () => (await import('./config.js')).runConfigCommand(file, o, io)));

  const streams = 'the exchange\'s streams are held while it runs (config "watch.mode")';
  for (const [name, description] of [
    ['start', `the demo without a config; with --config, your accounts in the terminal; ${streams}`],
    ['watch', "your accounts by the second: the exchange's streams held whatever watch.mode says"],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--config <file>', 'the config file (default: env LIQWATCH_CONFIG)')
      .option('--interval <s>', 'seconds between reads', positiveInt)
      .option('--cycles <n>', 'stop after this many checks', positiveInt)
      .option('--state-dir <dir>', 'keep the state on disk, across runs')
      .action((o) =>
        run(name, async () =>
          name === 'watch'
            ? (await import('./watch.js')).runWatchCommand(o, io)
            : (await import('./start.js')).runStartCommand(o, io),
        ),
      );
  }

  program
    .command('serve')
    .description('the webhook as a local HTTP server, for self-hosting behind a tunnel or a reverse proxy')
    .option('--config <file>', 'the config file (default: env LIQWATCH_CONFIG)')
    .option('--port <p>', 'the port (default 8080; 0: any free one)', port)
    .option('--host <h>', 'the address to listen on (default 127.0.0.1)')
    .option('--state-dir <dir>', 'keep the state on disk, across runs')
    .addHelpText('after', '\nEnv: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_ROOT.\n')
    .action((o) => run('serve', async () => (await import('./serve.js')).runServeCommand(o, io)));

  const telegram = program.command('telegram').description("the bot's set-up on Telegram (env TELEGRAM_BOT_TOKEN)");
  telegram
    .command('chats')
    .description('the chats that have messaged the bot, with their ids, for the config (before a webhook is set)')
    .addHelpText(
      'after',
      '\nEnv: TELEGRAM_BOT_TOKEN. Reads getUpdates, which Telegram refuses while a webhook is set.\n',
    )
    .action(() => run('telegram', async () => (await import('./telegram-chats.js')).runChatsCommand(io)));
  telegram
    .command('set-webhook')
    .description('register the webhook with its secret token, and the command menu (env TELEGRAM_WEBHOOK_SECRET)')
    .requiredOption('--url <url>', 'the https URL of the webhook')
    .action((o) => run('telegram', async () => (await import('./telegram.js')).runSetWebhookCommand(o, io)));
  telegram
    .command('put-token')
    .description(
      'store TELEGRAM_BOT_TOKEN in the Telegram secret the stack uses, creating it if need be (AWS credentials)',
    )
    .option('--secret-id <name>', 'the secret (default liqwatch/telegram)')
    .action((o) => run('telegram', async () => (await import('./telegram-token.js')).runPutTokenCommand(o, io)));

  return program;
}
