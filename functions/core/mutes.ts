import { type Alert, alertKey } from './alert.js';

/**
 * A silence set from chat: everything, an account, a symbol, or one alert until it resolves. A mute
 * set in one chat silences that chat only; one without a chat silences every chat.
 */
export interface Mute {
  id: string;
  scope: 'all' | 'account' | 'symbol' | 'alert';
  /** The account name, symbol or alert key; `null` for `all`. */
  target: string | null;
  /** Expiry in ms; `null` for a mute that lasts until its alert resolves. */
  until: number | null;
  chatId: number | null;
  createdAt: number;
}

export function isMuteActive(m: Mute, nowMs: number): boolean {
  return m.until === null || m.until > nowMs;
}

/** Whether a chat should hear nothing of this alert now. */
export function isMuted(
  mutes: readonly Mute[],
  alert: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>,
  chatId: number,
  nowMs: number,
): boolean {
  return mutesOfChat(mutes, chatId).some((m) => isMuteActive(m, nowMs) && muteCovers(m, alert));
}

/** The mutes a chat is under: its own, and those set for every chat. */
export function mutesOfChat(mutes: readonly Mute[], chatId: number): Mute[] {
  return mutes.filter((m) => m.chatId === null || m.chatId === chatId);
}

/**
 * Whether a mute is about this account or symbol: one set on it by name, or one on a single alert of it
 * (an alert key holds the account first and the symbol third, see `alertKey`).
 */
export function muteNames(m: Mute, name: string): boolean {
  if (m.target === name) return true;
  if (m.scope !== 'alert' || m.target === null) return false;
  const [account, , symbol] = m.target.split('|');
  return account === name || symbol === name;
}

function muteCovers(m: Mute, alert: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>): boolean {
  switch (m.scope) {
    case 'all':
      return true;
    case 'account':
      return m.target === alert.account;
    case 'symbol':
      return alert.symbol !== null && m.target === alert.symbol;
    case 'alert':
      return m.target === alertKey(alert);
  }
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest mute a chat can set: a longer silence is more likely forgotten than meant. */
export const MAX_MUTE_DAYS = 30;
export const MAX_MUTE_MS = MAX_MUTE_DAYS * UNITS.d!;

/**
 * `30m`, `2h`, `1d`, `1w`, or combinations such as `1h30m`, in ms; `null` when it is not a duration.
 * Any length is read, so a caller can tell "too long" (above `MAX_MUTE_MS`) from "not a duration".
 */
export function parseDuration(text: string): number | null {
  const match = /^(?:\d+[mhdw])+$/i.test(text) ? text.toLowerCase().match(/\d+[mhdw]/g) : null;
  if (!match) return null;
  const ms = match.reduce((sum, part) => sum + Number(part.slice(0, -1)) * UNITS[part.slice(-1)]!, 0);
  return ms > 0 ? ms : null;
}

/** `1h 30m`, `2d`, for replies. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [unit, minutes] of [
    ['d', 1440],
    ['h', 60],
    ['m', 1],
  ] as const) {
    if (rest >= minutes) {
      parts.push(`${Math.floor(rest / minutes)}${unit}`);
      rest %= minutes;
    }
  }
  return parts.join(' ') || '0m';
}
