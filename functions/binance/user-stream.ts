import { messageOf } from '#shared/errors.js';
import { type ListenKeyRequest, ListenKeys } from './listen-key.js';
import { HttpTransport } from './rest.js';
import { readUserFrame } from './user-events.js';
import { KeepAlive } from './user-stream-keepalive.js';
import { readStreamUrl, type UserStreamOptions } from './user-stream-options.js';
import { type StreamTimers, SYSTEM_TIMERS, UserStreamSocket } from './user-stream-socket.js';
import { MessageCap } from './ws-message-cap.js';

export { PRIVATE_STREAMS, type UserStreamOptions } from './user-stream-options.js';
export type { StreamTimers } from './user-stream-socket.js';

/** A connection open this long has proved itself: the next drop starts the backoff again. */
const STABLE_MS = 60_000;

/**
 * One account's user data stream. Each attempt POSTs for the listen key (the active one, extended, or a
 * new one) and connects to it; a failed attempt is reported and retried after a backoff (1 s, 2 s …
 * 60 s), never in a hot loop. The key is kept alive every `keepAliveMs`; a `listenKeyExpired` event or
 * a keepalive refused with -1125 gets a new key at once, a dropped connection reconnects after the
 * backoff; either way the next open is told once through `onGap`. `close()` deletes the key (unless
 * `keepKeyOnClose`) and leaves no socket or timer.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams
 */
export class UserStream {
  readonly #o: UserStreamOptions;
  readonly #timers: StreamTimers;
  readonly #now: () => number;
  readonly #http: HttpTransport;
  readonly #keys: ListenKeys;
  readonly #cap: MessageCap;
  readonly #streamUrl: string;
  #state: 'idle' | 'running' | 'closed' = 'idle';
  #key: string | undefined;
  #socket: UserStreamSocket | undefined;
  #openedAt = 0;
  #failures = 0;
  /** Why the next open must be told as a gap; the first cause is kept. */
  #gap: string | undefined;
  #retry: unknown;
  readonly #keepAlive: KeepAlive;
  #attempt: Promise<void> | undefined;
  /** A connection being closed to make way for a new key. */
  #closing: Promise<void> | undefined;

  constructor(opts: UserStreamOptions) {
    this.#o = opts;
    this.#timers = opts.timers ?? SYSTEM_TIMERS;
    this.#now = opts.now ?? Date.now;
    this.#http = opts.http ?? new HttpTransport({ now: this.#now });
    this.#keys = new ListenKeys(this.#http);
    this.#cap = new MessageCap(opts.maxMessageBytes ?? 1024 * 1024);
    this.#streamUrl = readStreamUrl(opts);
    this.#keepAlive = new KeepAlive(this.#keys, this.#timers, opts.keepAliveMs ?? 30 * 60_000);
  }

  /** Opens the stream. Resolves after the first attempt, open or not: a failure is reported and retried. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    await this.#connect();
    // Opened later, the stream may have missed what happened since the caller's first read.
    if (!this.#socket) this.#gap ??= 'the stream opened after its first attempt failed';
  }

  /** Closes the socket, deletes the listen key and clears every timer. */
  async close(): Promise<void> {
    if (this.#isClosed()) return;
    const started = this.#state === 'running';
    this.#state = 'closed';
    this.#timers.clearTimeout(this.#retry);
    this.#keepAlive.stop();
    // Closing the socket also ends an attempt waiting for it to open; one waiting for its key ends then.
    await this.#socket?.close();
    await this.#attempt;
    await this.#closing;
    this.#socket = undefined;
    if (started && this.#key !== undefined && !this.#o.keepKeyOnClose) {
      await this.#keys.close(this.#request()).catch((error: unknown) => this.#report(messageOf(error)));
    }
    this.#key = undefined;
    if (!this.#o.http) await this.#http.close();
    await this.#cap.close();
  }

  #connect(): Promise<void> {
    const attempt = this.#tryConnect().finally(() => {
      if (this.#attempt === attempt) this.#attempt = undefined;
    });
    this.#attempt = attempt;
    return attempt;
  }

  async #tryConnect(): Promise<void> {
    try {
      this.#key = await this.#keys.create(this.#request());
    } catch (error) {
      // A `SourceError`: it names the account, source and call, never a key.
      this.#failed(messageOf(error));
      return;
    }
    if (this.#isClosed()) return;
    const socket: UserStreamSocket = new UserStreamSocket(
      `${this.#streamUrl}/ws/${this.#key}`,
      { cap: this.#cap, timers: this.#timers, timeoutMs: this.#o.connectTimeoutMs ?? 10_000 },
      {
        message: (text) => this.#onFrame(socket, text),
        unreadable: () => this.#report(`${this.#name} sent a frame that is not text`),
        dropped: (why) => this.#onDropped(socket, why),
      },
    );
    this.#socket = socket;
    try {
      await socket.opened;
    } catch (error) {
      if (this.#socket === socket) this.#socket = undefined;
      this.#failed(`${this.#name} could not connect: ${messageOf(error)}`);
      return;
    }
    if (this.#isClosed() || this.#socket !== socket) return;
    this.#openedAt = this.#now();
    this.#keepAlive.start(this.#request(), {
      gone: () => this.#renew('the exchange no longer knew the listen key: a new one was created'),
      failed: (message) => this.#report(message),
    });
    const reason = this.#gap;
    this.#gap = undefined;
    if (reason !== undefined)
      this.#tell(() => this.#o.onGap({ account: this.#o.account, source: this.#o.source, reason }));
  }

  /** An attempt failed: reported, and tried again after the backoff. */
  #failed(message: string): void {
    if (this.#isClosed()) return;
    this.#report(message);
    this.#retryLater();
  }

  #onFrame(socket: UserStreamSocket | undefined, text: string): void {
    if (socket !== this.#socket || this.#isClosed()) return;
    let frame: ReturnType<typeof readUserFrame>;
    try {
      frame = readUserFrame(text, { account: this.#o.account, source: this.#o.source });
    } catch (error) {
      this.#report(`${this.#name}: ${messageOf(error)}`);
      return;
    }
    if (frame.kind === 'event') this.#tell(() => this.#o.onEvent(frame.event));
    else if (frame.kind === 'expired') this.#renew('the listen key expired: a new one was created');
  }

  #onDropped(socket: UserStreamSocket | undefined, why: string): void {
    if (socket !== this.#socket || this.#isClosed()) return;
    this.#lost(`the connection dropped (${why}) and was opened again`);
    this.#retryLater();
  }

  /** The key is gone: a new one at once, on a new connection. */
  #renew(reason: string): void {
    const socket = this.#lost(reason);
    const closing = socket?.close() ?? Promise.resolve();
    this.#closing = closing;
    void closing.then(() => {
      if (this.#closing === closing) this.#closing = undefined;
      if (!this.#isClosed() && !this.#attempt) void this.#connect();
    });
  }

  /**
   * The open connection is lost: the next open is a gap. One that stayed open `STABLE_MS` has proved
   * itself, so the backoff starts again from its first step.
   */
  #lost(reason: string): UserStreamSocket | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#keepAlive.stop();
    this.#gap ??= reason;
    if (this.#now() - this.#openedAt >= STABLE_MS) this.#failures = 0;
    return socket;
  }

  #retryLater(): void {
    this.#failures += 1;
    const base = this.#o.backoffMs ?? 1_000;
    const wait = Math.min(base * 2 ** (this.#failures - 1), this.#o.maxBackoffMs ?? 60_000);
    this.#timers.clearTimeout(this.#retry);
    this.#retry = this.#timers.setTimeout(() => {
      if (!this.#isClosed()) void this.#connect();
    }, wait);
  }

  #request(): ListenKeyRequest {
    const { account, source, signer, restEndpoint } = this.#o;
    return { account, source, signer, endpoint: restEndpoint };
  }

  /** A method, not a field read: the state changes while an attempt awaits. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  get #name(): string {
    return `${this.#o.account} ${this.#o.source} user data stream`;
  }

  #report(message: string): void {
    this.#o.onError?.(message);
  }

  /** Runs a caller's handler; one that throws is reported rather than ending the stream. */
  #tell(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#report(`${this.#name}: a handler failed: ${messageOf(error)}`);
    }
  }
}
