import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { FakeSqs } from '#fakes/sqs/index.js';
import { SqsBotQueue } from '#handlers/bot-queue.js';
import type { Log } from '#shared/log.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import type { LocalDynamo } from '#store/local-dynamo.js';
import { DynamoReceiveLedger } from '#store/receive-ledger.js';
import { assembleBot } from '#telegram/assemble-bot.js';

/**
 * The bot as the alerts queue's consumer, built from the adapters the Lambda builds it from (the
 * state table's, the SQS client's) pointed at the stand-ins, on the test's clock: its sleeps move it.
 */
export function assembleQueueBot(o: {
  chatIds: number[];
  botUsername: string;
  token: string;
  apiRoot: string;
  dynamo: LocalDynamo;
  table: string;
  sqs: FakeSqs;
  client: SQSClient;
  exchange: BinanceClient;
  clock: { t: number };
  log: Log;
  perChatGapMs?: number;
  /** Wraps each adapter (the chaos test stops a container's at its deadline). */
  wrap?: <T extends object>(adapter: T) => T;
}) {
  const wrap = o.wrap ?? (<T extends object>(adapter: T) => adapter);
  return assembleBot({
    config: parseConfig(
      {
        accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'NONE' }],
        telegram: { chatIds: o.chatIds, botUsername: o.botUsername },
      },
      'test',
    ),
    store: wrap(new DynamoStateStore(o.dynamo.client, o.table)),
    chats: wrap(new DynamoChatReachability(o.dynamo.client, o.table)),
    ledger: wrap(new DynamoReceiveLedger(o.dynamo.client, o.table)),
    queue: wrap(new SqsBotQueue(o.client, o.sqs.queueUrl, o.sqs.deadLetterQueueUrl!)),
    exchange: o.exchange,
    keys: createKeysProvider({ baseDir: '.', env: {} }),
    token: o.token,
    webhookSecret: 'queue-test-webhook-secret-000000',
    apiRoot: o.apiRoot,
    log: o.log,
    now: () => o.clock.t,
    sleep: async (ms) => {
      o.clock.t += ms;
    },
    ...(o.perChatGapMs === undefined ? {} : { perChatGapMs: o.perChatGapMs }),
  });
}
