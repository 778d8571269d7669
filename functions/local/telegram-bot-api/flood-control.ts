import { tooManyRequests } from './errors.js';

const WINDOW_MS = 1_000;

/**
 * Telegram's per-chat flood control ("avoid sending more than one message per second" in a chat,
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this), on an injected
 * clock: a send over the limit is refused with 429 and the seconds until the chat's window frees up.
 */
export class FloodControl {
  private readonly sends = new Map<number, number[]>();

  constructor(
    /** Sends allowed per chat per second; `undefined` turns flood control off. */
    private readonly perChatPerSecond: number | undefined,
    private readonly now: () => number,
  ) {}

  /** Counts one send to `chatId`, or throws the 429 Telegram would answer. */
  admit(chatId: number): void {
    if (this.perChatPerSecond === undefined) return;
    const now = this.now();
    const recent = (this.sends.get(chatId) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length >= this.perChatPerSecond) {
      // The oldest send in the window is the one whose leaving makes room.
      throw tooManyRequests(Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1_000)));
    }
    this.sends.set(chatId, [...recent, now]);
  }
}
