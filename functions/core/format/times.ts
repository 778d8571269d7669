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

/**
 * A moment for a reader in `timeZone`: the time, and the day when it is not today there
 * (`15:00 UTC`, `17 Mar 14:00 UTC`, `15 Mar 01:00 Asia/Tokyo`).
 */
export function dayClock(ms: number, nowMs: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' });
  const date = day.format(ms) === day.format(nowMs) ? '' : `${day.format(ms)} `;
  return `${date}${clock(ms, timeZone)}${timeZone === 'UTC' ? '' : ` ${timeZone}`}`;
}
