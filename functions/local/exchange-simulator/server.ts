import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { FrontEndContext } from './context.js';
import { Exchange } from './exchange.js';
import { marketStreamControls } from './market-stream.js';
import { handleRestRequest } from './rest.js';
import { parseScenario } from './scenario.js';
import { streamRouteFor } from './stream-routes.js';
import type { ExchangeSimulator, ExchangeSimulatorOptions, SimRequestLog } from './types.js';
// Imported for its stream route as well as its controls.
import { userStreamControls } from './user-streams.js';
import { handleWsFrame, WS_API_PATH } from './ws-api.js';

/**
 * Starts a loopback exchange that answers like Binance for the five position sources, their force
 * orders and their account-risk pages (account and ADL quantiles), from scenario data: `/fapi`, `/dapi` and `/papi` REST and the WebSocket API at `/ws-fapi/v1`, all on one port.
 * Signed requests are checked as the exchange checks them (key, timestamp window, HMAC / Ed25519 / RSA
 * signature), request weight is counted per host family, and faults can be injected per source and
 * account. General info: https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
export async function startExchangeSimulator(opts: ExchangeSimulatorOptions): Promise<ExchangeSimulator> {
  const scenario = parseScenario(opts);
  const exchange = new Exchange({
    accounts: scenario.accounts,
    latencyMs: scenario.latencyMs ?? 0,
    skewMs: scenario.clockSkewMs ?? 0,
    weightLimit: scenario.weightLimitPerMinute ?? 2400,
    clock: opts.now ?? Date.now,
  });
  const requests: SimRequestLog[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const ctx: FrontEndContext = {
    exchange,
    log: (entry) => requests.push(entry),
    after(ms, fn) {
      if (closed) return;
      if (ms <= 0) {
        fn();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!closed) fn();
      }, ms);
      timers.add(timer);
    },
  };

  const server = createServer((req, res) => handleRestRequest(ctx, req, res));
  const wss = new WebSocketServer({ noServer: true });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const stream = streamRouteFor(path);
    if (path !== WS_API_PATH && !stream) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (stream) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        stream.serve(ctx, ws, req);
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => {
        if (!isBinary) handleWsFrame(ctx, ws, data.toString());
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(scenario.port ?? 0, scenario.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${WS_API_PATH}`,
    requests,
    now: () => exchange.now(),
    setLatency(ms) {
      exchange.latencyMs = ms;
    },
    setClockSkew(ms) {
      exchange.skewMs = ms;
    },
    setPositions: (account, source, positions) => exchange.setPositions(account, source, positions),
    updatePositions: (account, source, fn) => exchange.updatePositions(account, source, fn),
    liquidate: (account, source, symbol, opts) => exchange.liquidate(account, source, symbol, opts),
    setWallet: (account, source, asset, amount) => exchange.setWallet(account, source, asset, amount),
    setAccountStatus: (account, status) => exchange.setAccountStatus(account, status),
    setAdlQuantile: (account, source, symbol, side, q) => exchange.setAdlQuantile(account, source, symbol, side, q),
    injectFault: (target, fault) => exchange.faults.inject(target, fault),
    clearFaults: () => exchange.faults.clear(),
    openSockets: () => sockets.size,
    ...marketStreamControls(ctx, `ws://${host}:${port}`),
    ...userStreamControls(ctx, `ws://${host}:${port}`),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closing = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
