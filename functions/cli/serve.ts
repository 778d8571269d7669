import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { BinanceClient } from '#binance/client.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { messageOf } from '#shared/errors.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createWebhookHandler } from '#telegram/handler.js';
import { parseOptions, positiveInt } from './args.js';
import { type CliIo, requireEnv, stopRequested } from './io.js';
import { consoleLog } from './log.js';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

/**
 * `liqwatch serve --port <p>`: the webhook handler as a local HTTP server, for self-hosting behind a
 * tunnel or a reverse proxy. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_ROOT, LIQWATCH_CONFIG.
 */
export async function runServeCommand(args: string[], io: CliIo): Promise<number> {
  const { values: o } = parseOptions(args, OPTIONS);
  const port = o.port === undefined ? 8080 : o.port === '0' ? 0 : positiveInt(o.port, '--port', 8080);
  const token = requireEnv(io, 'TELEGRAM_BOT_TOKEN');
  const webhookSecret = requireEnv(io, 'TELEGRAM_WEBHOOK_SECRET');
  const { config, baseDir } = await loadConfig(requireEnv(io, 'LIQWATCH_CONFIG'), io.cwd);
  const dynamo = await startLocalDynamo(o['state-dir'] ? { path: resolve(io.cwd, o['state-dir']) } : {});
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
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    try {
      const out = await webhook({
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        requestContext: { http: { method: req.method ?? 'GET' } },
      });
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
