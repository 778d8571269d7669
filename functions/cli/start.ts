import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { BinanceClient } from '#binance/client.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig, parseConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';
import { ACK_CALLBACK } from '#contracts/callback-data.js';
import { failureLines, firstCheckText } from '#core/format/standing.js';
import { htmlToTerminal } from '#core/format/terminal.js';
import { SOURCE_IDS } from '#core/position.js';
import { startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { BOT_COMMANDS } from '#telegram/command-list.js';
import { ALLOWED_UPDATES } from '#telegram/webhook.js';
import { buttonPress, findButton, renderButtons } from './demo/buttons.js';
import { applyDemoStep, DEMO_ACCOUNT, DEMO_RULES, DEMO_STEPS, demoAccount } from './demo/scenario.js';
import { watchUntilStopped } from './hold-streams.js';
import { type CliIo, stopRequested, UsageError } from './io.js';
import { createLocalRuntime } from './local-runtime.js';
import { consoleLog } from './log.js';

/** `liqwatch start`'s and `liqwatch watch`'s options, as the command line parses them (program.ts). */
export interface StartOptions {
  config?: string;
  interval?: number;
  cycles?: number;
  stateDir?: string;
}

/** The terminal's chat id, and the bot the terminal talks to when there is no Telegram. */
const TERMINAL_CHAT = 1;
const LOCAL_TOKEN = '1000000001:terminal-bot-token-0000000000000000';
const LOCAL_BOT = 'liqwatch_local_bot';
/** Who types in the terminal, as the bot sees the user (`textUpdate` names the same one). */
const TERMINAL_USER = { id: TERMINAL_CHAT, first_name: 'you' };

/**
 * `npm start`: with no config, the demo (a simulated exchange whose prices move through the scenario);
 * with `--config`, real accounts. Alerts and chat answers appear in the terminal, and lines typed on
 * standard input are chat commands, unless TELEGRAM_BOT_TOKEN is set: then the bot talks to Telegram by
 * long polling. Ctrl-C stops it.
 */
export async function runStartCommand(o: StartOptions, io: CliIo, opts: { watch?: 'always' } = {}): Promise<number> {
  const configSource = o.config ?? io.env.LIQWATCH_CONFIG;
  const demo = configSource === undefined;
  if (demo && opts.watch) throw new UsageError('give --config <file>: the accounts to watch');
  const cycles = o.cycles ?? Number.POSITIVE_INFINITY;
  const closers: (() => Promise<unknown>)[] = [];
  const log = consoleLog(io, 'start');
  const colour = Boolean(process.stdout.isTTY) && !io.env.NO_COLOR;
  try {
    let config: Config;
    let pressAcknowledge = async () => {};
    let baseDir = io.cwd;
    let env = io.env;
    let step: ((i: number) => Promise<void>) | undefined;
    if (demo) {
      const apiKey = randomBytes(32).toString('hex');
      const apiSecret = randomBytes(32).toString('hex');
      const sim = await startExchangeSimulator({ accounts: [demoAccount(apiKey, apiSecret)], latencyMs: 20 });
      closers.push(() => sim.close());
      env = { ...io.env, LIQWATCH_DEMO_KEYS: JSON.stringify({ apiKey, apiSecret }) };
      config = parseConfig(
        {
          accounts: [{ name: DEMO_ACCOUNT, sources: [...SOURCE_IDS], keysEnv: 'LIQWATCH_DEMO_KEYS' }],
          rules: DEMO_RULES,
          telegram: { chatIds: [TERMINAL_CHAT], botUsername: LOCAL_BOT, digest: { enabled: false } },
          endpoints: Object.fromEntries(SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? sim.wsUrl : sim.url])),
        },
        'demo',
      );
      step = async (i: number) => {
        const s = DEMO_STEPS[i % DEMO_STEPS.length]!;
        applyDemoStep(sim, s);
        io.stdout(`\n${colour ? '\u001b[2m' : ''}── ${s.note}${colour ? '\u001b[22m' : ''}\n`);
        if (s.acknowledge) await pressAcknowledge();
      };
    } else {
      ({ config, baseDir } = await loadConfig(configSource, io.cwd));
    }

    const dynamo = await startLocalDynamo(o.stateDir ? { path: o.stateDir } : {});
    closers.push(() => dynamo.close());
    const exchange = new BinanceClient();
    closers.push(() => exchange.close());

    const realTelegram = !demo && io.env.TELEGRAM_BOT_TOKEN;
    let apiRoot = io.env.TELEGRAM_API_ROOT;
    let token = io.env.TELEGRAM_BOT_TOKEN ?? LOCAL_TOKEN;
    let terminal: Awaited<ReturnType<typeof startFakeTelegram>> | undefined;
    if (!realTelegram) {
      // The terminal is the chat: the bot talks to a local Bot API whose messages are printed here.
      terminal = await startFakeTelegram({ token: LOCAL_TOKEN, botUsername: LOCAL_BOT });
      closers.push(() => terminal!.close());
      apiRoot = terminal.apiRoot;
      token = LOCAL_TOKEN;
      if (!demo) {
        config = {
          ...config,
          telegram: { ...config.telegram, chatIds: [TERMINAL_CHAT], chats: [], botUsername: LOCAL_BOT },
        };
      }
    }

    const keys = await createLocalKeysProvider(config.accounts, baseDir, env);
    const runtime = await createLocalRuntime({
      config,
      store: new DynamoStateStore(dynamo.client, dynamo.tableName),
      chats: new DynamoChatReachability(dynamo.client, dynamo.tableName),
      exchange,
      keys,
      token,
      apiRoot,
      log,
      perChatGapMs: terminal ? 0 : 1_000,
    });

    let printed = 0;
    const print = () => {
      if (!terminal) return;
      for (const m of terminal.messages.slice(printed)) {
        const buttons = renderButtons(m);
        io.stdout(`\n${htmlToTerminal(m.text, colour)}\n${buttons ? `${buttons}\n` : ''}`);
      }
      printed = terminal.messages.length;
    };
    // The demo's trader presses Acknowledge under the newest critical alert, as a phone would: the bot
    // gets Telegram's callback query and answers it through the local Bot API.
    pressAcknowledge = async () => {
      const found = terminal && findButton(terminal.messages, TERMINAL_CHAT, ACK_CALLBACK);
      if (!terminal || !found) return void io.stdout('(no Acknowledge button to press)\n');
      io.stdout(`you press [${found.button.text}]\n`);
      const answered = terminal.callbackAnswers.length;
      await runtime.bot.handleUpdate(buttonPress(found.message, found.button, TERMINAL_USER, Date.now()));
      for (const a of terminal.callbackAnswers.slice(answered)) io.stdout(`↳ ${a.text ?? ''}\n`);
    };

    if (realTelegram) {
      await runtime.bot.telegram.setMyCommands([...BOT_COMMANDS]);
      void runtime.bot.launch({ dropPendingUpdates: true, allowedUpdates: [...ALLOWED_UPDATES] });
      closers.unshift(async () => runtime.bot.stop('stopped'));
      io.stdout(`liqwatch: watching ${config.accounts.length} account(s); the bot answers on Telegram.\n`);
    } else {
      io.stdout(
        demo
          ? 'liqwatch demo: a simulated exchange with positions on all five sources. Type /positions, /alerts, /mute BTCUSDT 10m or /status. Ctrl-C stops.\n'
          : `liqwatch: watching ${config.accounts.length} account(s). Type /positions, /alerts or /status. Ctrl-C stops.\n`,
      );
    }

    let stopping = false;
    const stopped = stopRequested(io);
    void stopped.then(() => {
      stopping = true;
    });
    if (terminal) {
      const lines = io.stdin ?? createInterface({ input: process.stdin, terminal: false });
      void (async () => {
        for await (const line of lines) {
          if (stopping) break;
          const text = line.trim();
          if (text === '') continue;
          await runtime.command(text, TERMINAL_CHAT);
          print();
        }
      })();
      closers.push(async () => {
        if (!io.stdin) process.stdin.pause();
      });
    }

    // With real accounts, the exchange's streams are held for as long as it runs (`watch.mode`, or `liqwatch watch`).
    if (!demo && (opts.watch || config.watch.mode !== 'off') && o.cycles === undefined) {
      const rereadS = o.interval ?? config.watch.rereadSeconds;
      io.stdout(`liqwatch: holding the exchange's streams; positions read again every ${rereadS} s.\n`);
      await watchUntilStopped({ runtime, keys, rereadMs: rereadS * 1000, stopped, onCycle: print });
      return 0;
    }
    const intervalS =
      o.interval ?? (demo ? 3 : config.schedule.pollSeconds || (config.schedule.everyMinutes ?? 1) * 60);
    for (let i = 0; i < cycles && !stopping; i++) {
      await step?.(i);
      const report = await runtime.cycle();
      for (const line of failureLines(report.accounts)) log.warn(line);
      // The start-up line says what the first check read: "watching" alone reads as success when nothing was.
      if (i === 0 && !demo) io.stdout(`liqwatch: first check: ${firstCheckText(report.accounts)}\n`);
      print();
      if (i + 1 < cycles) await Promise.race([stopped, new Promise((r) => setTimeout(r, intervalS * 1000))]);
    }
    return 0;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}
