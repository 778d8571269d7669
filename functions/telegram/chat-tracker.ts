import { type ChatNotice, toChatNotices, UNDELIVERABLE_EVENT } from '#contracts/chat-notice.js';
import type { Refusal } from '#core/format/reachability.js';
import type { Log } from '#shared/log.js';
import type { ChatReachability, UnreachableChat } from '#store/chat-reachability.js';

/** Where the bot puts its own notices: the alerts queue, in each recipient's group. */
export interface NoticeQueue {
  enqueue(notices: readonly ChatNotice[]): Promise<void>;
}

export interface ChatTrackerDeps {
  /** Where episodes and moves are kept; without it they are followed in memory and not shared. */
  chats?: ChatReachability | undefined;
  notices?: NoticeQueue | undefined;
  /** The configured chats: the ones told when another stops receiving alerts. */
  routes?: readonly { id: number; threadId?: number | undefined }[] | undefined;
  log: Log;
  now: () => number;
}

/** A chat as a delivery finds it: the id its messages go to now, and its open episode, if any. */
export interface ChatAt {
  chatId: number;
  target: number;
  episode: UnreachableChat | undefined;
}

/**
 * What the deliverer knows of the chats it sends to: groups that became supergroups (followed, and kept
 * so later deliveries go straight to the new id) and chats that stopped taking messages. Each alert such
 * a chat does not take is reported (a log line the stack's metric filter counts, so an alarm fires, and
 * on a laptop a line on stderr); the first of an episode has the other chats told, once.
 */
export function createChatTracker(deps: ChatTrackerDeps) {
  const moves = new Map<number, number>();
  const follow = (chatId: number) => {
    let id = chatId;
    for (let hops = 0; moves.has(id) && hops < 5; hops++) id = moves.get(id)!;
    return id;
  };

  return {
    async find(chatId: number): Promise<ChatAt> {
      const standing = await deps.chats?.loadStanding();
      for (const m of standing?.moves ?? []) moves.set(m.from, m.to);
      const target = follow(chatId);
      return { chatId, target, episode: standing?.unreachable.find((u) => u.chatId === target) };
    },

    async moved(chat: ChatAt, toChatId: number): Promise<void> {
      moves.set(chat.target, toChatId);
      await deps.chats?.saveMove(chat.target, toChatId, deps.now());
      deps.log.warn(`chat ${chat.target} became the supergroup ${toChatId}: alerts follow it`, {
        chatId: chat.target,
        toChatId,
        hint: `put ${toChatId} in telegram.chatIds`,
      });
      chat.target = toChatId;
      chat.episode = undefined;
    },

    /** One alert the chat did not take: reported, counted, and the episode's news queued for the others. */
    async lost(chat: ChatAt, deliveryId: string, refusal: Refusal): Promise<void> {
      deps.log.error(
        `chat ${chat.target} no longer receives alerts (Telegram: ${refusal.code} ${refusal.description}); an alert was not delivered`,
        {
          event: UNDELIVERABLE_EVENT,
          chatId: chat.target,
          deliveryId,
          code: refusal.code,
          description: refusal.description,
        },
      );
      if (!deps.chats) return;
      const episode = await deps.chats.recordLoss(chat.target, refusal, deps.now());
      if (episode.othersTold || !deps.notices) return;
      const others = (deps.routes ?? []).filter((r) => r.id !== chat.chatId && follow(r.id) !== chat.target);
      const notices = toChatNotices(episode, others, deps.now());
      // With no other chat to tell, the alarm and /status are what says it.
      if (notices.length > 0) await deps.notices.enqueue(notices);
      await deps.chats.markOthersTold(chat.target, episode.since);
    },

    /** The chat took a message: an episode it was in is over. */
    async took(chat: ChatAt): Promise<void> {
      if (!chat.episode || !deps.chats) return;
      await deps.chats.endEpisode(chat.target, chat.episode.since);
      deps.log.info(`chat ${chat.target} receives alerts again`, {
        chatId: chat.target,
        lost: chat.episode.lostAlerts,
      });
      chat.episode = undefined;
    },
  };
}
