import { createServer } from 'node:net';
import { Telegram } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { messageOf } from '#shared/errors.js';

/*
 * A Bot API call that fails on the network: the error quotes the request URL, whose path carries the bot
 * token. telegraf blanks it; whatever liqwatch logs or says of an error goes through `messageOf`, which
 * blanks it too, so that no other client or wrapper can let it through.
 */

const TOKEN = '7000000001:AAHs3cr3t-t0ken_of-the-bot-xyz';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a bot token in a network error', () => {
  it('is in neither telegraf’s message nor what liqwatch says of it', async () => {
    const telegram = new Telegram(TOKEN, { apiRoot: `http://127.0.0.1:${await closedPort()}` });
    const error = await telegram.sendMessage(42, 'hello').then(
      () => null,
      (e: unknown) => e,
    );
    expect(messageOf(error)).toMatch(/sendMessage failed/);
    expect(messageOf(error)).not.toContain(TOKEN.split(':')[1]);
  });

  it('is blanked by messageOf whatever quoted the URL', () => {
    const quoted = new Error(`GET https://api.telegram.org/bot${TOKEN}/getMe: socket hang up`);
    expect(messageOf(quoted)).toBe('GET https://api.telegram.org/bot[token]/getMe: socket hang up');
  });
});
