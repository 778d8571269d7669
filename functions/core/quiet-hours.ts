/** A daily window, in a time zone, in which only critical alerts ring. */
export interface QuietHours {
  from: string;
  to: string;
  timeZone?: string | undefined;
}

/** Minutes since local midnight of an instant in a time zone (default UTC). */
export function localMinutes(nowMs: number, timeZone = 'UTC'): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(nowMs);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether an instant falls inside the window; a window whose end is before its start crosses midnight. */
export function inQuietHours(nowMs: number, q: QuietHours | undefined): boolean {
  if (!q) return false;
  const now = localMinutes(nowMs, q.timeZone);
  const from = minutesOf(q.from);
  const to = minutesOf(q.to);
  if (from === to) return false;
  return from < to ? now >= from && now < to : now >= from || now < to;
}
