import { localMinutes } from '../quiet-hours.js';

/**
 * How long ago, for a person: `40 s`, `25 min`, `3 h 10 min`, `4 d`. Under a minute it counts seconds, so a
 * check 20 s ago is not "0 min ago", which reads as never.
 */
export function ago(ms: number): string {
  if (ms < 59_500) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d`;
}

/** A time of day, `14:05 UTC`, in the given zone. */
export function clock(ms: number, timeZone = 'UTC'): string {
  return `${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)} ${timeZone === 'UTC' ? 'UTC' : ''}`.trim();
}

/** A time of day with its zone named, so a reader never guesses it: `14:05 UTC`, `23:05 Asia/Tokyo`. */
export function zonedClock(ms: number, timeZone: string): string {
  return timeZone === 'UTC' ? clock(ms) : `${clock(ms, timeZone)} ${timeZone}`;
}

/**
 * A moment for a reader in `timeZone`: the time, and the day when it is not today there
 * (`15:00 UTC`, `17 Mar 14:00 UTC`, `15 Mar 01:00 Asia/Tokyo`).
 */
export function dayClock(ms: number, nowMs: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' });
  const date = day.format(ms) === day.format(nowMs) ? '' : `${day.format(ms)} `;
  return `${date}${zonedClock(ms, timeZone)}`;
}

const DAY_MINUTES = 1440;

/**
 * The next minute, from `nowMs`'s on, at which a clock in `timeZone` reads `hhmm`: a daily time set in one
 * zone (the digest's), so it can be told in another. A change of clocks on the way is corrected for.
 */
export function nextLocalTime(nowMs: number, hhmm: string, timeZone: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  const target = h * 60 + m;
  // Zone offsets are whole minutes, so a zone's minutes start where UTC's do.
  const minute = Math.floor(nowMs / 60_000) * 60_000;
  const ahead = (from: number) => (((target - localMinutes(from, timeZone)) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  const first = minute + ahead(minute) * 60_000;
  // Across a change of clocks the count is off by the change: count again from there, back or on. A time
  // the change skips has no such minute: the first count stands.
  const off = ahead(first);
  const fixed = first + (off > DAY_MINUTES / 2 ? off - DAY_MINUTES : off) * 60_000;
  return fixed >= minute ? fixed : first;
}
