import { Agent, buildConnector } from 'undici';

type Socket = NonNullable<Parameters<buildConnector.Callback>[1]>;

/**
 * Caps the size of each message on one WebSocket connection, and knows when it did. The dispatcher
 * connects the WebSocket; once it is open, `watch()` counts the bytes its socket reads since the last
 * whole message and destroys the socket past `maxBytes`, so a runaway answer costs at most that much
 * memory. undici's own `maxPayloadSize` would stop it as well, but closes the socket with code 1006
 * and no reason a caller can read: a dropped connection and an oversized answer would look the same.
 */
export class MessageCap {
  readonly dispatcher: Agent;
  readonly maxBytes: number;
  #socket: Socket | undefined;
  #unread = 0;
  #exceeded = false;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
    const connect = buildConnector({});
    this.dispatcher = new Agent({
      // Counted here instead (see above).
      webSocket: { maxPayloadSize: 0 },
      connect: (options, callback) =>
        connect(options, (...args) => {
          this.#socket = args[1] ?? undefined;
          callback(...args);
        }),
    });
  }

  /**
   * Starts counting on the socket of the connection that just opened. Called on `open`, once undici
   * reads the socket as a stream of frames (before, its HTTP parser reads it in paused mode).
   */
  watch(): void {
    const socket = this.#socket;
    this.#unread = 0;
    this.#exceeded = false;
    socket?.on('data', (chunk: Buffer) => {
      this.#unread += chunk.length;
      if (this.#unread > this.maxBytes && !this.#exceeded) {
        this.#exceeded = true;
        socket.destroy();
      }
    });
  }

  /** A whole message arrived: what was read so far is accounted for. */
  messageArrived(): void {
    this.#unread = 0;
  }

  /** Whether the connection was closed for a message over the cap. */
  get exceeded(): boolean {
    return this.#exceeded;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
