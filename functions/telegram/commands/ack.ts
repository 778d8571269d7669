import { Composer, type Context } from 'telegraf';
import type { User } from 'telegraf/types';
import { ACK_CALLBACK } from '#contracts/callback-data.js';
import { alertRef } from '#core/format/messages.js';
import { acknowledgeAlert } from '#core/lifecycle/acknowledge.js';
import type { AccountStates } from '#store/state-store.js';
import type { BotDeps } from '../deps.js';

/** What the button's answer says (https://core.telegram.org/bots/api#answercallbackquery: up to 200 characters). */
export const ACK_ANSWERS = {
  acknowledged: 'Acknowledged: repeats slow down; a new rung down is still told',
  gone: 'That alert is no longer firing.',
  busy: 'Not recorded: the alert changed as you pressed. Press Acknowledge again.',
} as const;

/** How an acknowledgement names who pressed: the @username when there is one, else the first name. */
export function ackBy(from: Pick<User, 'first_name' | 'username'>): string {
  return from.username ? `@${from.username}` : from.first_name;
}

/** What recording an acknowledgement needs: the accounts, their state, a clock and the log. */
export type AckDeps = Pick<BotDeps, 'config' | 'now' | 'log'> & { store: AccountStates };

/**
 * Records an acknowledgement in the account state of the alert `ref` names, with the state's
 * conditional write: a check that saved between the read and the write wins, and the acknowledgement is
 * applied again on what it wrote, once. Two lost races in a row are reported, never taken as done.
 */
export async function recordAck(deps: AckDeps, ref: string, by: string): Promise<keyof typeof ACK_ANSWERS> {
  for (const { name } of deps.config.accounts) {
    const outcome = await ackInAccount(deps, name, ref, by);
    if (outcome !== null) return outcome;
  }
  return 'gone';
}

/** The acknowledgement in one account: `null` when the alert is not this account's. */
async function ackInAccount(
  deps: AckDeps,
  account: string,
  ref: string,
  by: string,
): Promise<keyof typeof ACK_ANSWERS | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const { state, version } = await deps.store.loadAccount(account);
    const key = Object.entries(state?.alerts ?? {}).find(([, a]) => alertRef(a.alert) === ref)?.[0];
    // After a lost race, an alert no longer there has resolved in the check that won.
    if (!state || key === undefined) return attempt === 0 ? null : 'gone';
    const next = acknowledgeAlert(state, key, by, deps.now());
    if (next === null) return 'gone';
    if (await deps.store.saveAccount(next, version)) return 'acknowledged';
    deps.log.info('an acknowledgement lost a race with a check', { account, attempt });
  }
  return 'busy';
}

/** The Acknowledge button under critical alerts. */
export function ackCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.action(ACK_CALLBACK, async (ctx) => {
    const [, ref] = ctx.match;
    const outcome = await recordAck(deps, ref!, ackBy(ctx.from));
    await ctx.answerCbQuery(ACK_ANSWERS[outcome]);
  });
  return c;
}
