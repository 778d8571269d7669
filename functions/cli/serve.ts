import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { BinanceClient } from '#binance/client.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { messageOf } from '#shared/errors.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createWebhookHandler, SECRET_HEADER, secretMatches } from '#telegram/handler.js';
import { type CliIo, requireEnv, stopRequested, UsageError } from './io.js';
import { consoleLog } from './log.js';

/** `liqwatch serve`'s options, as the command line parses them (program.ts). */
export interface ServeOptions {
  config?: string;
  port?: number;
  host?: string;
  stateDir?: string;
}

/**
 * `liqwatch serve [--config <file>] [--port <p>]`: the webhook handler as a local HTTP server, for
 * self-hosting behind a tunnel or a reverse proxy. The config is `--config`, else LIQWATCH_CONFIG, as for
 * `liqwatch start`. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_ROOT.
 */
export async function runServeCommand(o: ServeOptions, io: CliIo): Promise<number> {
  const port = o.port ?? 8080;
  const token = requireEnv(io, 'TELEGRAM_BOT_TOKEN');
  const webhookSecret = requireEnv(io, 'TELEGRAM_WEBHOOK_SECRET');
  const configSource = o.config ?? io.env.LIQWATCH_CONFIG;
  if (!configSource) throw new UsageError('give --config <file> (or set LIQWATCH_CONFIG)');
  const { config, baseDir } = await loadConfig(configSource, io.cwd);
  const dynamo = await startLocalDynamo(o.stateDir ? { path: resolve(io.cwd, o.stateDir) } : {});
  const exchange = new BinanceClient();
  const log = consoleLog(io, 'serve');
  const deps = await assembleBot({
    config,
    store: new DynamoStateStore(dynamo.client, dynamo.tableName),
    exchange,
    keys: await createLocalKeysProvider(config.accounts, baseDir, io.env),
    token,
    webhookSecret,
    apiRoot: io.env.TELEGRAM_API_ROOT,
    log,
  });
  const webhook = createWebhookHandler(deps);
  const server = createServer(async (req, res) => {
    const refusal = refuseBeforeReading(req, webhookSecret);
    if (refusal) return refuse(res, refusal);
    const body = await readCapped(req, MAX_BODY_BYTES).catch(() => undefined);
    if (body === 'too-large') return refuse(res, 413);
    if (body === undefined) return; // the client went away mid-body: nobody to answer
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    try {
      const out = await webhook({ headers, body, requestContext: { http: { method: 'POST' } } });
      res.writeHead(out.statusCode, { 'content-type': 'text/plain' }).end(out.body ?? '');
    } catch (error) {
      log.error('webhook failed', { error: messageOf(error) });
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r) => server.listen(port, o.host ?? '127.0.0.1', r));
  const { address, port: bound } = server.address() as AddressInfo;
  io.stdout(`liqwatch serve: webhook listening on http://${address}:${bound}/\n`);
  await stopRequested(io);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await exchange.close();
  await dynamo.close();
  return 0;
}

/** Telegram's updates are a few KB (https://core.telegram.org/bots/api#update); a body past this is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What the headers alone say to refuse, so an unauthenticated or oversized body is never read: a method
 * other than POST, a missing or wrong secret token (compared in constant time), a declared length over the cap.
 */
function refuseBeforeReading(req: IncomingMessage, webhookSecret: string): 405 | 401 | 413 | undefined {
  if (req.method !== 'POST') return 405;
  const given = req.headers[SECRET_HEADER];
  if (!secretMatches(Array.isArray(given) ? given.join(',') : given, webhookSecret)) return 401;
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return 413;
  return undefined;
}

/**
 * Answers and closes the connection: with `Connection: close`, Node ends the socket once the answer is
 * written instead of draining the rest of the body to keep the connection alive.
 */
function refuse(res: ServerResponse, status: 401 | 405 | 413): void {
  res.writeHead(status, { connection: 'close', 'content-type': 'text/plain' }).end(STATUS_CODES[status]);
}

/** The body as text, or `too-large` as soon as it passes `max` bytes (the rest is left unread). */
function readCapped(req: IncomingMessage, max: number): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve('too-large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => reject(new Error('the request was cut off before its end')));
  });
}
