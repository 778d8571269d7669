import type { UserFromGetMe } from 'telegraf/types';
import type { ChatBook } from './chat-book.js';
import type { FloodControl } from './flood-control.js';
import type { Params } from './request-params.js';
import type { Updates } from './updates.js';

/** What a Bot API method may read and change. */
export interface MethodContext {
  botInfo: UserFromGetMe;
  book: ChatBook;
  flood: FloodControl;
  updates: Updates;
  /** As set by setMyCommands. */
  myCommands: unknown[];
}

/** One Bot API method: its parameters in, its `result` out, or an `ApiError` thrown. */
export type MethodHandler = (params: Params, ctx: MethodContext) => unknown;

/** Method name → handler, as the method is spelt in the URL (`/bot<token>/<method>`). */
export type MethodTable = Readonly<Record<string, MethodHandler>>;
