import type { UserFromGetMe } from 'telegraf/types';
import type { FakeTelegram, SentMessage } from './types.js';

/**
 * What the chats hold: every message the bot sent (numbered per chat, as Telegram numbers them), the
 * chats that blocked the bot, the groups that became supergroups and the answers to button presses.
 */
export class ChatBook {
  readonly messages: SentMessage[] = [];
  readonly callbackAnswers: FakeTelegram['callbackAnswers'] = [];
  private readonly blocked = new Set<number>();
  private readonly migrated = new Map<number, number>();
  private readonly lastMessageId = new Map<number, number>();

  constructor(
    private readonly botInfo: UserFromGetMe,
    private readonly now: () => number,
  ) {}

  messagesTo(chatId: number): SentMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  find(chatId: number, messageId: number): SentMessage | undefined {
    return this.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
  }

  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  isBlocked(chatId: number): boolean {
    return this.blocked.has(chatId);
  }

  migrate(fromId: number, toId: number): void {
    this.migrated.set(fromId, toId);
  }

  /** The supergroup a group became, if it did. */
  migratedTo(chatId: number): number | undefined {
    return this.migrated.get(chatId);
  }

  /** Files a new message under the chat's next message id. */
  add(message: Omit<SentMessage, 'messageId' | 'editedTexts'>): SentMessage {
    const { chatId, ...rest } = message;
    const messageId = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, messageId);
    const sent: SentMessage = { chatId, messageId, ...rest, editedTexts: [] };
    this.messages.push(sent);
    return sent;
  }

  /** The Bot API's Message object for a sent message (https://core.telegram.org/bots/api#message). */
  toMessageObject(m: SentMessage) {
    return {
      message_id: m.messageId,
      date: Math.floor(this.now() / 1000),
      chat:
        m.chatId > 0
          ? { id: m.chatId, type: 'private', first_name: 'user' }
          : { id: m.chatId, type: 'supergroup', title: 'group' },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      text: m.text,
    };
  }
}
