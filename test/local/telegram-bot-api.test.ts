import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegram, TelegramError } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';

const TOKEN = '123456:fake-telegram-token-AAAAAAAAAAAAAAAAAAAA';
let tg: FakeTelegram;
let telegram: Telegram;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_test_bot' });
  telegram = new Telegram(TOKEN, { apiRoot: tg.apiRoot });
});
afterAll(() => tg.close());

const refused = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as TelegramError,
  );

describe('the loopback Bot API, through telegraf', () => {
  it('getMe and a wrong token', async () => {
    expect((await telegram.getMe()).username).toBe('liqwatch_test_bot');
    const e = await refused(new Telegram('9:wrong', { apiRoot: tg.apiRoot }).getMe());
    expect(e?.response.error_code).toBe(401);
    expect(JSON.stringify(tg.calls)).not.toContain(TOKEN);
  });

  it('sends HTML with escaped characters; refuses unbalanced or unknown tags and a bare &', async () => {
    await telegram.sendMessage(1, '<b>A&lt;B &amp; C</b>', { parse_mode: 'HTML' });
    expect(tg.messagesTo(1).at(-1)?.text).toBe('<b>A&lt;B &amp; C</b>');
    expect((await refused(telegram.sendMessage(1, '<b>open', { parse_mode: 'HTML' })))?.description).toMatch(
      /can't parse entities: can't find end tag corresponding to start tag "b"/,
    );
    expect((await refused(telegram.sendMessage(1, 'a <x> b', { parse_mode: 'HTML' })))?.description).toMatch(
      /unsupported start tag "x"/,
    );
    expect((await refused(telegram.sendMessage(1, 'A & B', { parse_mode: 'HTML' })))?.description).toMatch(
      /can't parse entities/,
    );
  });

  it('counts the 4096 limit on the visible text', async () => {
    await telegram.sendMessage(1, 'x'.repeat(4096));
    expect((await refused(telegram.sendMessage(1, 'x'.repeat(4097))))?.description).toBe(
      'Bad Request: message is too long',
    );
    await telegram.sendMessage(1, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
  });

  it('429 carries retry_after; a blocked chat is 403', async () => {
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 7 });
    const e = await refused(telegram.sendMessage(2, 'hi'));
    expect(e).toBeInstanceOf(TelegramError);
    expect(e?.response.error_code).toBe(429);
    expect(e?.parameters?.retry_after).toBe(7);
    tg.blockChat(3);
    expect((await refused(telegram.sendMessage(3, 'hi')))?.response.error_code).toBe(403);
  });

  it('editMessageText: not found, not modified, then edited', async () => {
    const m = await telegram.sendMessage(4, 'one');
    expect((await refused(telegram.editMessageText(4, 999, undefined, 'x')))?.description).toMatch(
      /message to edit not found/,
    );
    expect((await refused(telegram.editMessageText(4, m.message_id, undefined, 'one')))?.description).toMatch(
      /message is not modified/,
    );
    await telegram.editMessageText(4, m.message_id, undefined, 'two');
    expect(tg.messagesTo(4)[0]).toMatchObject({ text: 'two', editedTexts: ['one'] });
  });

  it('setMyCommands validates the commands', async () => {
    await telegram.setMyCommands([{ command: 'positions', description: 'Open positions' }]);
    expect(tg.myCommands).toHaveLength(1);
    expect((await refused(telegram.setMyCommands([{ command: 'Bad-Name', description: 'x' }])))?.description).toMatch(
      /BOT_COMMAND_INVALID/,
    );
  });

  it('setWebhook registers a secret that each delivered update carries', async () => {
    const seen: (string | undefined)[] = [];
    const hook = createServer((req, res) => {
      seen.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      res.end('ok');
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await telegram.setWebhook(url, { secret_token: 'S3cret_token' });
    expect((await tg.deliverToWebhook({ update_id: 1 } as never)).status).toBe(200);
    expect(seen).toEqual(['S3cret_token']);
    expect((await refused(telegram.getUpdates(0, 10, 0, undefined)))?.response.error_code).toBe(409);
    await telegram.deleteWebhook();
    hook.close();
  });

  it('getUpdates waits for an update and honours the offset', async () => {
    const answered = () => tg.calls.filter((c) => c.method === 'getUpdates').length;
    const before = answered();
    const polled = tg.nextPoll();
    const waiting = telegram.getUpdates(5, 10, 0, undefined);
    await polled;
    // Held open: not answered until an update comes.
    expect(answered()).toBe(before);
    tg.pushUpdate({ message: { text: 'hi' } } as never);
    const [first] = await waiting;
    expect(first).toBeDefined();
    tg.pushUpdate({ message: { text: 'again' } } as never);
    const next = await telegram.getUpdates(0, 10, first!.update_id + 1, undefined);
    expect(next.map((u) => u.update_id)).toEqual([first!.update_id + 1]);
  });
});

describe('flood control, on the clock it is given', () => {
  it('refuses a second message within a second to one chat with retry_after, and takes it once the second is over', async () => {
    // Prepare
    const clock = { t: 1_000_000 };
    const limited = await startFakeTelegram({ token: TOKEN, perChatPerSecond: 1, now: () => clock.t });
    const api = new Telegram(TOKEN, { apiRoot: limited.apiRoot });
    try {
      // Act
      const sent = await api.sendMessage(1, 'one');
      await api.sendMessage(2, 'another chat');
      clock.t += 999;
      const early = await refused(api.sendMessage(1, 'two'));
      clock.t += 1;
      await api.sendMessage(1, 'two');
      // Assess
      expect(sent.date).toBe(1_000);
      expect(early?.response.error_code).toBe(429);
      expect(early?.parameters?.retry_after).toBe(1);
      expect(limited.messagesTo(1).map((m) => m.text)).toEqual(['one', 'two']);
      expect(limited.calls.map((c) => c.status)).toEqual([200, 200, 429, 200]);
    } finally {
      await limited.close();
    }
  });
});
