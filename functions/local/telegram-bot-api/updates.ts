import type { Update } from 'telegraf/types';
import type { MethodTable } from './context.js';
import { ApiError } from './errors.js';
import { flagParam } from './request-params.js';
import type { FakeTelegram } from './types.js';

/**
 * How updates reach the bot, one way at a time as on Telegram: POSTed to a webhook with its secret
 * token header, or held for getUpdates, whose long poll waits until one arrives or its timeout ends
 * (https://core.telegram.org/bots/api#getting-updates).
 */
export class Updates {
  webhook: FakeTelegram['webhook'] = null;
  private readonly pending: Update[] = [];
  private waiters: (() => void)[] = [];
  private pollWatchers: (() => void)[] = [];
  private nextUpdateId = 1;

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Queues an update, numbered unless it has a number, and wakes the long polls. */
  push(update: Omit<Update, 'update_id'> & { update_id?: number }): void {
    this.pending.push({ ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update);
    this.wakeAll();
  }

  dropPending(): void {
    this.pending.length = 0;
  }

  /** Resolves when the next long poll starts waiting. */
  nextPoll(): Promise<void> {
    return new Promise((resolve) => this.pollWatchers.push(resolve));
  }

  /** Confirms the updates below `offset`, waits up to `timeoutS` for one if none is held, returns up to `limit`. */
  async poll(offset: number, timeoutS: number, limit: number): Promise<Update[]> {
    if (offset > 0) {
      while (this.pending.length > 0 && this.pending[0]!.update_id < offset) this.pending.shift();
    }
    if (this.pending.length === 0 && timeoutS > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutS * 1000);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
        for (const watcher of this.pollWatchers.splice(0)) watcher();
      });
    }
    return this.pending.slice(0, limit);
  }

  /** Ends every long poll now (a new update, or the server closing). */
  wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** POSTs `update` to the webhook with `X-Telegram-Bot-Api-Secret-Token`, as Telegram does (https://core.telegram.org/bots/api#setwebhook). */
  async deliverToWebhook(update: Update): Promise<{ status: number; body: string }> {
    if (!this.webhook) throw new Error('no webhook is set');
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.webhook.secretToken ? { 'x-telegram-bot-api-secret-token': this.webhook.secretToken } : {}),
      },
      body: JSON.stringify(update),
    });
    return { status: res.status, body: await res.text() };
  }
}

/** The methods that choose and read the way updates arrive. */
export const updateMethods: MethodTable = {
  /** https://core.telegram.org/bots/api#setwebhook */
  setWebhook(p, { updates }) {
    const url = String(p.url ?? '');
    if (url !== '' && !/^https?:\/\//.test(url)) {
      throw new ApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw new ApiError(400, 'Bad Request: bad webhook: secret token contains unallowed characters');
    }
    updates.webhook = url === '' ? null : { url, ...(secret === undefined ? {} : { secretToken: secret }) };
    return true;
  },

  /** https://core.telegram.org/bots/api#deletewebhook */
  deleteWebhook(p, { updates }) {
    updates.webhook = null;
    if (flagParam(p.drop_pending_updates)) updates.dropPending();
    return true;
  },

  /** https://core.telegram.org/bots/api#getwebhookinfo */
  getWebhookInfo: (_p, { updates }) => ({
    url: updates.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: updates.pendingCount,
  }),

  /** https://core.telegram.org/bots/api#getupdates */
  getUpdates(p, { updates }) {
    if (updates.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    return updates.poll(Number(p.offset ?? 0), Number(p.timeout ?? 0), Number(p.limit ?? 100));
  },
};
