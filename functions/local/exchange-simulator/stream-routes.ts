import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { FrontEndContext } from './context.js';

/**
 * The simulator's WebSocket streams beside its WebSocket API: the market streams and the user data
 * streams, each a route of its own file. A route takes the upgraded socket of a path it claims.
 */
export interface StreamRoute {
  /** Whether the route serves this path (query string removed). */
  claims(path: string): boolean;
  /** Serves one connection: the route keeps it until it or the client closes it. */
  serve(ctx: FrontEndContext, ws: WebSocket, req: IncomingMessage): void;
}

/** Every stream route, in the order they are asked. */
export const STREAM_ROUTES: StreamRoute[] = [];

/** The route that serves a path, if any. */
export function streamRouteFor(path: string): StreamRoute | undefined {
  return STREAM_ROUTES.find((r) => r.claims(path));
}
