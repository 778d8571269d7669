import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '#builders/cli.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';

/* `liqwatch telegram chats` against the Bot API stand-in: the ids a user copies into the config. */

const TOKEN = '7000000007:chats-test-token-AAAAAAAAAAAAAAAAAAAAAA';
let tg: FakeTelegram;

beforeEach(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_test_bot' });
});
afterEach(() => tg.close());

const chats = () =>
  runCli(['telegram', 'chats'], { env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot } });

const from = { id: 555, is_bot: false, first_name: 'Ann' };

describe('liqwatch telegram chats', () => {
  it('lists each chat that messaged the bot once: id, type, title and forum topics', async () => {
    // Prepare: a private chat (twice), a group, and a forum topic whose name came with its first message.
    const ann = { id: 555, type: 'private', first_name: 'Ann', last_name: 'Lee', username: 'ann' } as const;
    const desk = { id: -1001234567890, type: 'supergroup', title: 'Risk desk', is_forum: true } as const;
    tg.pushUpdate({ message: { message_id: 1, date: 1, chat: ann, from, text: 'hi' } } as never);
    tg.pushUpdate({ message: { message_id: 2, date: 2, chat: ann, from, text: '/start' } } as never);
    tg.pushUpdate({
      message: { message_id: 3, date: 3, chat: { id: -42, type: 'group', title: 'Family' }, from, text: '/start' },
    } as never);
    tg.pushUpdate({
      message: {
        message_id: 4,
        date: 4,
        chat: desk,
        from,
        text: '/status',
        message_thread_id: 17,
        is_topic_message: true,
        reply_to_message: {
          message_id: 17,
          date: 1,
          chat: desk,
          forum_topic_created: { name: 'Alerts', icon_color: 1 },
        },
      },
    } as never);
    // Act
    const run = await chats();
    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+type\s+title\s+topics \(threadId\)$/);
    expect(lines[1]).toMatch(/^555\s+private\s+Ann Lee \(@ann\)$/);
    expect(lines[2]).toMatch(/^-42\s+group\s+Family$/);
    expect(lines[3]).toMatch(/^-1001234567890\s+supergroup \(forum\)\s+Risk desk\s+17 "Alerts"$/);
    expect(run.stdout).toContain('telegram.chatIds');
    // Nothing was confirmed: the bot still gets every update when it starts.
    expect(tg.calls.find((c) => c.method === 'getUpdates')?.params.offset ?? 0).toBe(0);
    expect((await chats()).stdout).toBe(run.stdout);
  });

  it('with no messages yet, says to send the bot one', async () => {
    const run = await chats();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No chat has messaged the bot');
  });

  it('with a webhook set, says so and how to proceed, without asking for updates', async () => {
    const res = await fetch(`${tg.apiRoot}/bot${TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hook.example/telegram' }),
    });
    expect(res.ok).toBe(true);
    const run = await chats();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a webhook is set (https://hook.example/telegram)');
    expect(run.stderr).toContain('liqwatch telegram set-webhook --url');
    expect(tg.calls.map((c) => c.method)).not.toContain('getUpdates');
  });

  it('without a token, says to set it', async () => {
    const run = await runCli(['telegram', 'chats']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set TELEGRAM_BOT_TOKEN');
  });

  it('an unreachable Bot API is an error that never shows the token', async () => {
    const apiRoot = tg.apiRoot;
    await tg.close();
    const run = await runCli(['telegram', 'chats'], { env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).not.toContain(TOKEN.split(':')[1]);
    tg = await startFakeTelegram({ token: TOKEN });
  });
});
