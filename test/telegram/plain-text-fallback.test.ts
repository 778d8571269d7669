import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlert } from '#builders/alert.js';
import type { Delivery } from '#contracts/queue-message.js';
import { htmlToPlainText } from '#core/format/html.js';
import { renderDelivery } from '#core/format/messages.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { createDeliverer } from '#telegram/deliver.js';

const TOKEN = '56:plain-text-test-token-AAAAAAAAAAAAAAAAAA';
const clock = { t: 1_000_000 };
let tg: FakeTelegram;
let dynamo: LocalDynamo;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, now: () => clock.t });
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await tg.close();
  await dynamo.close();
});

const alert = (id: string, chatId: number): Delivery => ({
  id,
  kind: 'alerts',
  chatId,
  at: Date.UTC(2026, 0, 5, 8),
  silent: false,
  notifications: [
    {
      kind: 'firing',
      since: Date.UTC(2026, 0, 5, 8),
      alert: buildAlert({
        positionSide: 'LONG',
        message: 'BTCUSDT LONG is 6.6% from liquidation (mark <21123.05> & liquidation 19731.46)',
      }),
    },
  ],
});

describe('a message whose HTML Telegram refuses', () => {
  it('is sent once as plain text, with its buttons, rather than dropped', async () => {
    // Prepare
    const logged: string[] = [];
    const deliver = createDeliverer({
      telegram: new Telegram(TOKEN, { apiRoot: tg.apiRoot }),
      store: new DynamoStateStore(dynamo.client, dynamo.tableName),
      now: () => clock.t,
      log: { info: () => {}, warn: (m) => logged.push(m), error: (m) => logged.push(m) },
      sleep: async (ms) => {
        clock.t += ms;
      },
    });
    const d = alert('plain-0001', 7);
    tg.failNext(
      'sendMessage',
      {
        kind: 'status',
        code: 400,
        description: "Bad Request: can't parse entities: unexpected end tag at byte offset 9",
      },
      { chatId: 7 },
    );

    // Act: the queue offers it twice, as it may.
    await deliver(d);
    await deliver(d);

    // Assess
    const sent = tg.messagesTo(7);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parseMode).toBeUndefined();
    expect(sent[0]!.text).toBe(htmlToPlainText(renderDelivery(d)));
    expect(sent[0]!.text).toContain('(mark <21123.05> & liquidation 19731.46)');
    expect(sent[0]!.text).not.toMatch(/<b>|&amp;|&lt;/);
    expect(sent[0]!.replyMarkup).toBeDefined();
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 7)).toHaveLength(2);
    expect(logged.join('\n')).toMatch(/plain text/);
  });
});
