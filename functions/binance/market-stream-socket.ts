import { WebSocket } from 'undici';
import { MARKET_STREAM_LIMITS, readStreamFrame, type StreamFrame } from './market-stream-rows.js';
import type { StreamTimers } from './market-stream-timers.js';
import { MessageCap } from './ws-message-cap.js';

/**
 * Our own requests per second and connection: half the documented 10 incoming messages, so that the
 * pongs undici sends for us always fit beside them.
 */
const REQUESTS_PER_SECOND = MARKET_STREAM_LIMITS.incomingPerSecond / 2;

/** An event or a refusal that answers no request of ours. */
export type PushedFrame = Exclude<StreamFrame, { kind: 'answer' }>;

export interface MarketSocketDeps {
  timers: StreamTimers;
  now(): number;
  /** How long an open or an answer may take before the connection counts as dead. */
  timeoutMs: number;
  maxMessageBytes: number;
  onFrame(socket: MarketSocket, frame: PushedFrame): void;
  /** The connection ended, whoever ended it. */
  onClose(socket: MarketSocket): void;
}

/** What a SUBSCRIBE or UNSUBSCRIBE came back with. */
export type RequestOutcome = { ok: true } | { ok: false; code: number; msg: string };

interface Pending {
  settle(outcome: RequestOutcome | Error): void;
  timer: unknown;
}

/**
 * One combined-stream connection on undici's WebSocket client: requests numbered per connection and
 * matched to their answers, paced under the per-connection message limit, each message capped in
 * size. undici answers the server's pings by itself (its receiver sends the pong), so nothing here does.
 */
export class MarketSocket {
  /** The streams the exchange confirmed on this connection. */
  readonly subscribed = new Set<string>();
  readonly #deps: MarketSocketDeps;
  readonly #cap: MessageCap;
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #opened: Promise<void>;
  #nextId = 1;
  #sentAt: number[] = [];
  #paceWait: { timer: unknown; resolve: () => void } | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(url: string, deps: MarketSocketDeps) {
    this.#deps = deps;
    this.#cap = new MessageCap(deps.maxMessageBytes);
    this.#ws = new WebSocket(url, { dispatcher: this.#cap.dispatcher });
    this.#opened = new Promise<void>((resolve, reject) => {
      const timer = deps.timers.setTimeout(() => {
        reject(new Error(`no connection within ${deps.timeoutMs} ms`));
        this.#ws.close();
      }, deps.timeoutMs);
      this.#ws.addEventListener('open', () => {
        deps.timers.clearTimeout(timer);
        this.#cap.watch();
        resolve();
      });
      this.#ws.addEventListener('close', () => {
        deps.timers.clearTimeout(timer);
        reject(new Error(this.#cap.exceeded ? `a frame was over ${this.#cap.maxBytes} bytes` : 'connection closed'));
        this.#ended();
      });
    });
    // A connection that fails before it opens rejects `open()`; nobody else needs to hear of it.
    this.#opened.catch(() => {});
    this.#ws.addEventListener('message', (event) => this.#onMessage(event.data));
  }

  /** Resolves once the connection is open. */
  open(): Promise<void> {
    return this.#opened;
  }

  /** Sends a request and waits for its answer; throws when the connection ends or the answer is late. */
  async #request(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: readonly string[]): Promise<RequestOutcome> {
    await this.#pace();
    if (this.#closed) throw new Error('connection closed');
    const id = this.#nextId++;
    const { timers, timeoutMs } = this.#deps;
    const outcome = await new Promise<RequestOutcome | Error>((settle) => {
      const timer = timers.setTimeout(() => {
        this.#pending.delete(id);
        settle(new Error(`no answer to ${method} within ${timeoutMs} ms`));
        void this.close();
      }, timeoutMs);
      this.#pending.set(id, { settle, timer });
      this.#ws.send(JSON.stringify({ method, params, id }));
    });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Subscribes exactly these streams: one UNSUBSCRIBE for the streams gone, one SUBSCRIBE for the new.
   * Returns the streams added, those a refused SUBSCRIBE left out, and the refusals in the exchange's
   * words; throws when the connection ends meanwhile.
   */
  async subscribeExactly(
    streams: ReadonlySet<string>,
  ): Promise<{ added: string[]; refused: string[]; problems: string[] }> {
    const gone = [...this.subscribed].filter((stream) => !streams.has(stream));
    const fresh = [...streams].filter((stream) => !this.subscribed.has(stream));
    const problems: string[] = [];
    if (gone.length > 0) {
      const outcome = await this.#request('UNSUBSCRIBE', gone);
      if (outcome.ok) for (const stream of gone) this.subscribed.delete(stream);
      else problems.push(`UNSUBSCRIBE refused: ${outcome.code} ${outcome.msg}`);
    }
    if (fresh.length === 0) return { added: [], refused: [], problems };
    const outcome = await this.#request('SUBSCRIBE', fresh);
    if (!outcome.ok)
      return {
        added: [],
        refused: fresh,
        problems: [...problems, `SUBSCRIBE refused: ${outcome.code} ${outcome.msg}`],
      };
    for (const stream of fresh) this.subscribed.add(stream);
    return { added: fresh, refused: [], problems };
  }

  /** Closes the connection and frees its dispatcher; waits for the close. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (!this.#closed && this.#ws.readyState !== WebSocket.CLOSED) {
      const { timers } = this.#deps;
      let timer: unknown;
      const closed = new Promise((resolve) => {
        this.#ws.addEventListener('close', resolve, { once: true });
        // A peer that never completes the closing handshake must not hold us.
        timer = timers.setTimeout(() => resolve(undefined), 2_000);
      });
      this.#ws.close(1000);
      await closed;
      timers.clearTimeout(timer);
    }
    this.#ended();
    await this.#cap.close();
  }

  /** Waits until one more request fits in the last second's budget. */
  async #pace(): Promise<void> {
    const { now, timers } = this.#deps;
    this.#sentAt = this.#sentAt.filter((at) => now() - at < 1000);
    const oldest = this.#sentAt[0];
    if (this.#sentAt.length >= REQUESTS_PER_SECOND && oldest !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = timers.setTimeout(resolve, 1000 - (now() - oldest));
        this.#paceWait = { timer, resolve };
      });
      this.#paceWait = undefined;
    }
    this.#sentAt.push(now());
  }

  #onMessage(data: unknown): void {
    this.#cap.messageArrived();
    const frame = readStreamFrame(String(data));
    if (frame.kind === 'answer' || (frame.kind === 'refusal' && frame.id !== null)) {
      const pending = typeof frame.id === 'number' ? this.#pending.get(frame.id) : undefined;
      if (pending) {
        this.#pending.delete(frame.id as number);
        this.#deps.timers.clearTimeout(pending.timer);
        pending.settle(frame.kind === 'answer' ? { ok: true } : { ok: false, code: frame.code, msg: frame.msg });
        return;
      }
      if (frame.kind === 'answer') return; // an answer we no longer wait for
    }
    this.#deps.onFrame(this, frame as PushedFrame);
  }

  /** Once, whoever ended it: every waiting request fails, and the owner hears of it. */
  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#paceWait) {
      this.#deps.timers.clearTimeout(this.#paceWait.timer);
      this.#paceWait.resolve();
    }
    for (const [id, pending] of this.#pending) {
      this.#deps.timers.clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.settle(new Error('connection closed before the answer'));
    }
    this.#deps.onClose(this);
  }
}
