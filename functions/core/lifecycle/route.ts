import { type Notification, SEVERITY_RANK, type Severity } from '../alert.js';
import { isMuted, type Mute } from '../mutes.js';
import { inQuietHours, type QuietHours } from '../quiet-hours.js';
import type { OwedNotification } from './transition.js';

/** A chat that receives alerts. */
export interface ChatRoute {
  id: number;
  threadId?: number | undefined;
  quietHours?: QuietHours | undefined;
  /** Severities that arrive without a sound; a critical alert always rings. */
  silent?: readonly Severity[] | undefined;
  /** An alert easing is good news and arrives without a sound, unless this is true. */
  ringWhenEased?: boolean | undefined;
}

/** The notifications of one cycle for one chat, to go out as one message. */
export interface ChatNotifications {
  chatId: number;
  threadId?: number | undefined;
  /** Deliver without a sound: nothing in it must ring. */
  silent: boolean;
  notifications: Notification[];
}

export interface RouteInput {
  owed: readonly OwedNotification[];
  mutes: readonly Mute[];
  chats: readonly ChatRoute[];
  nowMs: number;
}

export interface Routing {
  /** One group per chat that has anything to hear, in `chats` order, most urgent first. */
  deliveries: ChatNotifications[];
  /** The owed notifications that go out; the rest wait for the mute or the quiet hours to end. */
  routed: OwedNotification[];
}

/**
 * Step 3 of the alert lifecycle: what each chat hears now. A mute holds an alert back from the chats it
 * covers; quiet hours hold back all but critical alerts and good news (resolutions, easing), and make
 * the message silent unless a critical fires. A chat's `silent` severities arrive without a sound, and
 * so does easing unless the chat asks for it to ring.
 */
export function routeNotifications(input: RouteInput): Routing {
  const { mutes, nowMs } = input;
  const deliveries: ChatNotifications[] = [];
  const routed: OwedNotification[] = [];
  for (const chat of input.chats) {
    const quiet = inQuietHours(nowMs, chat.quietHours);
    const mine = input.owed.filter(({ chatId, notification: { kind, alert } }) => {
      if (chatId !== chat.id || isMuted(mutes, alert, chat.id, nowMs)) return false;
      // Held back notifications are owed again next cycle: the chat is told when the quiet hours end.
      return !quiet || kind === 'resolved' || kind === 'eased' || alert.severity === 'critical';
    });
    if (mine.length === 0) continue;
    routed.push(...mine);
    const notifications = mine.map((o) => o.notification).sort(byUrgency);
    const rings = notifications.some(
      (n) =>
        n.alert.status === 'firing' &&
        (n.kind !== 'eased' || chat.ringWhenEased === true) &&
        (n.alert.severity === 'critical' || (!quiet && !(chat.silent ?? []).includes(n.alert.severity))),
    );
    deliveries.push({ chatId: chat.id, threadId: chat.threadId, silent: !rings, notifications });
  }
  return { deliveries, routed };
}

/** Critical first, then warnings, then the rest; firing before resolved; nearest to liquidation first. */
function byUrgency(a: Notification, b: Notification): number {
  const status = (n: Notification) => (n.alert.status === 'firing' ? 0 : 1);
  return (
    status(a) - status(b) ||
    SEVERITY_RANK[b.alert.severity] - SEVERITY_RANK[a.alert.severity] ||
    (a.alert.rule === 'liq-distance' && b.alert.rule === 'liq-distance'
      ? (a.alert.value ?? 0) - (b.alert.value ?? 0)
      : 0)
  );
}
