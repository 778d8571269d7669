import { randomUUID } from 'node:crypto';
import { WebSocket } from 'undici';
import { z } from 'zod';
import { ParseError, readJson } from '#shared/parse.js';
import { MessageCap } from './ws-message-cap.js';

/** A reply of the WebSocket API: `{id, status, result | error, rateLimits}`. */
export const WsReplySchema = z.object({
  id: z.union([z.string(), z.number(), z.null()]),
  status: z.number(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), msg: z.string(), data: z.record(z.string(), z.unknown()).optional() }).optional(),
  rateLimits: z
    .array(
      z.looseObject({ rateLimitType: z.string(), interval: z.string(), intervalNum: z.number(), count: z.number() }),
    )
    .optional(),
});
export type WsReply = z.infer<typeof WsReplySchema>;

export class WsApiError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'malformed' | 'too-large',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WsApiError';
  }
}

interface Pending {
  resolve: (reply: WsReply) => void;
  reject: (error: WsApiError) => void;
  timer: NodeJS.Timeout;
}

/**
 * One connection to the WebSocket API, on undici's WebSocket client, shared by every account: each
 * request carries its own `apiKey`. Requests are matched to replies by id; each has a timeout, and
 * each message is capped at `maxMessageBytes`. The connection opens on first use, reopens after it
 * drops, and closes when idle for `idleMs`; `close()` closes it for good.
 *
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-api-general-info
 */
export class WsApiConnection {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #idleMs: number;
  readonly #cap: MessageCap;
  readonly #pending = new Map<string, Pending>();
  #socket: WebSocket | undefined;
  #opening: Promise<WebSocket> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(url: string, opts: { timeoutMs?: number; idleMs?: number; maxMessageBytes: number }) {
    this.url = url;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#idleMs = opts.idleMs ?? 30_000;
    this.#cap = new MessageCap(opts.maxMessageBytes);
  }

  /** Sends one request and waits for its reply, whatever its status, `timeoutMs` at most in all. */
  async call(method: string, params: Record<string, unknown>, timeoutMs = this.#timeoutMs): Promise<WsReply> {
    this.#stopIdleTimer();
    try {
      const started = performance.now();
      const socket = await this.#open(timeoutMs);
      const left = Math.max(1, timeoutMs - (performance.now() - started));
      const id = randomUUID();
      return await new Promise<WsReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new WsApiError('timeout', `no reply within ${timeoutMs} ms`));
        }, left);
        this.#pending.set(id, { resolve, reject, timer });
        socket.send(JSON.stringify({ id, method, params }));
      });
    } finally {
      if (this.#pending.size === 0) this.#startIdleTimer();
    }
  }

  /** Whether a socket is open or opening. */
  get connected(): boolean {
    return this.#socket !== undefined || this.#opening !== undefined;
  }

  /** Closes the socket, fails whatever is still waiting, and frees the connection's dispatcher. */
  async close(): Promise<void> {
    await this.#closeSocket();
    await this.#cap.close();
  }

  async #closeSocket(): Promise<void> {
    this.#stopIdleTimer();
    const socket = this.#socket ?? (await this.#opening?.catch(() => undefined));
    this.#socket = undefined;
    this.#opening = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve(), { once: true }));
    socket.close(1000);
    // A peer that never completes the closing handshake must not hold us: undici ends it after a while.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
  }

  #open(timeoutMs: number): Promise<WebSocket> {
    if (this.#socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.#socket);
    this.#opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url, { dispatcher: this.#cap.dispatcher });
      const timer = setTimeout(() => {
        socket.close();
        reject(new WsApiError('timeout', `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        this.#cap.watch();
        this.#socket = socket;
        resolve(socket);
      });
      socket.addEventListener('error', (event) => {
        clearTimeout(timer);
        // Typed as an Error, but not every failure carries one.
        const reason: unknown = event.error;
        reject(new WsApiError('network', `connection failed${reason instanceof Error ? ` (${reason.message})` : ''}`));
      });
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        if (this.#socket === socket) this.#socket = undefined;
        this.#failAll(
          this.#cap.exceeded
            ? new WsApiError('too-large', `a message was larger than ${this.#cap.maxBytes} bytes`)
            : new WsApiError('network', 'connection closed before the reply'),
        );
      });
      socket.addEventListener('message', (event) => this.#onMessage(event.data));
    }).finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  #onMessage(data: unknown): void {
    this.#cap.messageArrived();
    let value: unknown;
    try {
      value = readJson(String(data), 'WebSocket API reply');
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // An unreadable frame cannot be matched to its request: every waiting call learns of it now
      // rather than at its timeout.
      this.#failAll(new WsApiError('malformed', 'the reply was not valid JSON', { cause: error }));
      return;
    }
    const parsed = WsReplySchema.safeParse(value);
    if (!parsed.success) return; // not a reply to a request (the API sends none, but be safe)
    const reply = parsed.data;
    if (reply.id === null) {
      // An error the API could not tie to a request comes with `"id": null` (the reply's `id` is
      // "INT / STRING / null", WebSocket API General Info, above): a key revoked while the connection
      // is open is refused that way, -2015. No waiting call will get another answer, and the error
      // cannot say whose request it refuses on a connection accounts share: it answers them all.
      if (reply.error) this.#settleAll((p) => p.resolve(reply));
      return;
    }
    const pending = typeof reply.id === 'string' ? this.#pending.get(reply.id) : undefined;
    if (!pending) return;
    this.#pending.delete(reply.id as string);
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  #failAll(error: WsApiError): void {
    this.#settleAll((p) => p.reject(error));
  }

  #settleAll(settle: (pending: Pending) => void): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      settle(pending);
    }
  }

  #startIdleTimer(): void {
    this.#stopIdleTimer();
    this.#idleTimer = setTimeout(() => void this.#closeSocket(), this.#idleMs);
    this.#idleTimer.unref();
  }

  #stopIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
