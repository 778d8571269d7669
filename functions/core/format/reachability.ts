import { escapeHtml as e } from './html.js';
import { ago, dayClock } from './times.js';

/*
 * What liqwatch says about chats that stopped taking its messages: the notice the other chats get, and
 * the lines of /status. A chat id is all the bot knows of a chat it can no longer reach.
 */

/** Telegram's refusal: its error code and description (https://core.telegram.org/bots/api#making-requests). */
export interface Refusal {
  code: number;
  description: string;
}

/** A chat that stopped taking messages, since when, and why. */
export interface UnreachableChatNews {
  chatId: number;
  since: number;
  refusal: Refusal;
}

/** The notice to the other chats, sent at `nowMs`; its time is in the reading chat's zone. */
export function renderChatNotice(news: UnreachableChatNews, nowMs: number, timeZone: string): string {
  return [
    `📵 <b>Chat ${news.chatId} no longer receives alerts</b> (since ${dayClock(news.since, nowMs, timeZone)})`,
    `Telegram answers ${news.refusal.code}: ${e(news.refusal.description)}`,
    'Its alerts are not delivered. Unblock the bot or add it back to the chat, or fix telegram.chatIds.',
  ].join('\n');
}

/** What /status shows of the chats: those not receiving alerts (with how many were lost) and moved groups. */
export interface ChatsStanding {
  unreachable: readonly (UnreachableChatNews & { lostAlerts: number })[];
  moves: readonly { from: number; to: number }[];
}

/** /status: the lines about the chats, none when all is well. */
export function renderReachabilityLines(chats: ChatsStanding, nowMs: number): string[] {
  if (chats.unreachable.length === 0 && chats.moves.length === 0) return [];
  return [
    '',
    '<b>Chats</b>',
    ...chats.unreachable.map(
      (u) =>
        `📵 chat ${u.chatId}: receives no alerts for ${ago(nowMs - u.since)} (${u.lostAlerts} lost)\n   ${u.refusal.code} ${e(u.refusal.description)}`,
    ),
    ...chats.moves.map((m) => `↪️ chat ${m.from} became ${m.to}: alerts follow it; put ${m.to} in telegram.chatIds`),
  ];
}
