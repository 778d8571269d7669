import type { ServerResponse } from 'node:http';
import { WebSocket } from 'ws';
import { manyPositions } from './many-positions.js';
import { renderRow } from './rows.js';
import type { SourceId } from './types.js';

/** How much of a large body went out: the bytes written, and whether it was sent to its end. */
export interface BodyProgress {
  bytes: number;
  complete: boolean;
}

const CHUNK_CHARS = 64 * 1024;

/** Rows to repeat when the account has none: a realistic position of the source, or the time. */
export function fillerRows(source: SourceId | undefined, now: number): Record<string, unknown>[] {
  if (source === undefined) return [{ serverTime: now }];
  const [leg] = manyPositions(1, source);
  return leg ? [renderRow(source, leg)] : [];
}

/**
 * A JSON array of `rows` (each already JSON) repeated until the text is about `bytes` long, framed by
 * `prefix` and `suffix`, in chunks of about 64 KiB. Generated as it is sent, so the simulator never holds
 * the whole body: a client that stops reading costs it nothing more.
 */
export function* largeJsonChunks(
  rows: readonly string[],
  bytes: number,
  frame: { prefix: string; suffix: string } = { prefix: '', suffix: '' },
): Generator<string> {
  let chunk = `${frame.prefix}[`;
  let size = chunk.length;
  for (let n = 0; size < bytes; n++) {
    const row = `${n === 0 ? '' : ','}${rows[n % rows.length]}`;
    chunk += row;
    size += row.length;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]${frame.suffix}`;
}

/** Counts the bytes that went out and tells `done` once, when the sending ends. */
function progressOf(done: (progress: BodyProgress) => void) {
  let bytes = 0;
  let ended = false;
  return {
    sent(text: string) {
      bytes += Buffer.byteLength(text);
    },
    end(complete: boolean) {
      if (ended) return;
      ended = true;
      done({ bytes, complete });
    },
  };
}

/**
 * Writes the chunks as an HTTP body, each once the reader took the last (backpressure), and stops when
 * the reader goes away. `done` learns how far it got.
 */
export function streamHttpBody(res: ServerResponse, chunks: Iterator<string>, done: (p: BodyProgress) => void): void {
  const progress = progressOf(done);
  res.once('close', () => progress.end(false));
  const pump = () => {
    for (;;) {
      if (res.destroyed) return progress.end(false);
      const next = chunks.next();
      if (next.done) {
        res.end(() => progress.end(true));
        return;
      }
      progress.sent(next.value);
      if (!res.write(next.value)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/**
 * Sends the chunks as one WebSocket message in fragments, each once the last was written, and stops
 * when the socket closes. `done` learns how far it got.
 */
export function streamWsMessage(socket: WebSocket, chunks: Iterator<string>, done: (p: BodyProgress) => void): void {
  const progress = progressOf(done);
  let next = chunks.next();
  const send = () => {
    if (next.done || socket.readyState !== WebSocket.OPEN) return progress.end(false);
    const text = next.value;
    next = chunks.next();
    const fin = next.done === true;
    progress.sent(text);
    socket.send(text, { fin }, (error) => {
      if (error || fin) progress.end(!error);
      else send();
    });
  };
  send();
}
