import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { UnreachableChatNews } from '#core/format/reachability.js';
import { parseWith } from '#shared/parse.js';
import { TableItems } from './table-items.js';

/** A chat that stopped taking messages: one episode, from its first refusal until it takes one again. */
export interface UnreachableChat extends UnreachableChatNews {
  /** Alerts not delivered to it in this episode. */
  lostAlerts: number;
  /** The other chats were told (their notices are on the queue). */
  othersTold: boolean;
}

/** A group that became a supergroup: its messages go to the new id. */
export interface ChatMove {
  from: number;
  to: number;
  at: number;
}

export interface ChatStanding {
  unreachable: UnreachableChat[];
  moves: ChatMove[];
}

/**
 * What the bot learnt of the chats it sends to, kept between invocations: which stopped taking its
 * messages (Telegram's 403, or 400 "chat not found"), and which groups moved to a supergroup (400 with
 * `migrate_to_chat_id`, https://core.telegram.org/bots/api#responseparameters).
 */
export interface ChatReachability {
  /** Everything known, in one read (a few items: one per chat at most). */
  loadStanding(): Promise<ChatStanding>;
  /** Counts one alert `chatId` did not take; the first opens an episode with this refusal. */
  recordLoss(chatId: number, refusal: UnreachableChatNews['refusal'], nowMs: number): Promise<UnreachableChat>;
  /** The other chats' notices of this episode are on the queue. */
  markOthersTold(chatId: number, since: number): Promise<void>;
  /** The chat took a message again: this episode is over. */
  endEpisode(chatId: number, since: number): Promise<void>;
  saveMove(from: number, to: number, nowMs: number): Promise<void>;
}

const PK = 'CHATS';
const UNREACHABLE = 'UNREACHABLE#';
const MOVED = 'MOVED#';
/** An episode no alert met for a month is forgotten (the chat may have left the config). */
const EPISODE_TTL_S = 30 * 86_400;

const UnreachableItemSchema = z.object({
  chatId: z.number(),
  since: z.number(),
  code: z.number(),
  description: z.string(),
  lostAlerts: z.number().int().min(0),
  othersTold: z.boolean(),
});
const MovedItemSchema = z.object({ from: z.number(), to: z.number(), at: z.number() });

const toUnreachable = (item: Record<string, unknown>): UnreachableChat => {
  const u = parseWith(UnreachableItemSchema, item, `state table item ${PK}/${String(item.sk)}`);
  return {
    chatId: u.chatId,
    since: u.since,
    refusal: { code: u.code, description: u.description },
    lostAlerts: u.lostAlerts,
    othersTold: u.othersTold,
  };
};

/**
 * Chat reachability in the state table: one partition (`pk` CHATS), an item per unreachable chat
 * (`sk` UNREACHABLE#<id>, gone a month after its last lost alert) and per moved group (`sk` MOVED#<id>).
 * Episodes are opened and counted by one atomic update, so two bots losing alerts at once agree.
 */
export class DynamoChatReachability extends TableItems implements ChatReachability {
  async loadStanding(): Promise<ChatStanding> {
    const Items = await this.partition(PK);
    const of = (prefix: string) => Items.filter((i) => String(i.sk).startsWith(prefix));
    return {
      unreachable: of(UNREACHABLE).map(toUnreachable),
      moves: of(MOVED).map((i) => parseWith(MovedItemSchema, i, `state table item ${PK}/${String(i.sk)}`)),
    };
  }

  async recordLoss(chatId: number, refusal: UnreachableChatNews['refusal'], nowMs: number): Promise<UnreachableChat> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: PK, sk: `${UNREACHABLE}${chatId}` },
        // The first loss writes the episode; later ones only count and keep it alive.
        UpdateExpression:
          'SET #chat = :chat, #since = if_not_exists(#since, :now), #code = if_not_exists(#code, :code), ' +
          '#desc = if_not_exists(#desc, :desc), #told = if_not_exists(#told, :no), #exp = :exp ADD #lost :one',
        ExpressionAttributeNames: {
          '#chat': 'chatId',
          '#since': 'since',
          '#code': 'code',
          '#desc': 'description',
          '#told': 'othersTold',
          '#exp': 'expiresAt',
          '#lost': 'lostAlerts',
        },
        ExpressionAttributeValues: {
          ':chat': chatId,
          ':now': nowMs,
          ':code': refusal.code,
          ':desc': refusal.description,
          ':no': false,
          ':exp': Math.floor(nowMs / 1000) + EPISODE_TTL_S,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toUnreachable(Attributes ?? {});
  }

  async markOthersTold(chatId: number, since: number): Promise<void> {
    const episode = this.#episode(chatId, since);
    await ifEpisode(
      this.doc.send(
        new UpdateCommand({
          ...episode,
          UpdateExpression: 'SET #told = :yes',
          ExpressionAttributeNames: { ...episode.ExpressionAttributeNames, '#told': 'othersTold' },
          ExpressionAttributeValues: { ...episode.ExpressionAttributeValues, ':yes': true },
        }),
      ),
    );
  }

  async endEpisode(chatId: number, since: number): Promise<void> {
    await ifEpisode(this.doc.send(new DeleteCommand(this.#episode(chatId, since))));
  }

  async saveMove(from: number, to: number, nowMs: number): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: PK, sk: `${MOVED}${from}`, from, to, at: nowMs } }),
    );
  }

  /** A write to a chat's episode item that only applies while it is still the episode that began at `since`. */
  #episode(chatId: number, since: number) {
    return {
      TableName: this.table,
      Key: { pk: PK, sk: `${UNREACHABLE}${chatId}` },
      ConditionExpression: '#since = :since',
      ExpressionAttributeNames: { '#since': 'since' },
      ExpressionAttributeValues: { ':since': since },
    };
  }
}

/** A write meant for one episode: when another began (or it ended) meanwhile, there is nothing to do. */
async function ifEpisode(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
