/*
 * The `callback_data` of liqwatch's inline buttons: written when a message is sent (an alert's Mute and
 * Acknowledge buttons, the Refresh under `/positions`) and read back, maybe days later, when the button
 * is pressed. Telegram allows 1-64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton).
 */

export const CALLBACK_DATA_LIMIT = 64;

/** How long a Mute button silences its alert: one hour, or until the alert resolves. */
export type MuteFor = '1h' | 'res';

export type CallbackData =
  | { kind: 'refresh'; arg: string }
  | { kind: 'mute'; muteFor: MuteFor; ref: string }
  | { kind: 'ack'; ref: string };

/** Matches what `encodeCallback` writes for a refresh (any argument), a mute or an acknowledgement (an alert reference). */
export const REFRESH_CALLBACK = /^pos:(.*)$/;
export const MUTE_CALLBACK = /^mute:(1h|res):([A-Za-z0-9_-]{6,20})$/;
export const ACK_CALLBACK = /^ack:([A-Za-z0-9_-]{6,20})$/;

/** The button's data; a long `/positions` argument is cut to fit Telegram's limit. */
export function encodeCallback(data: CallbackData): string {
  const text =
    data.kind === 'refresh'
      ? `pos:${data.arg}`
      : data.kind === 'mute'
        ? `mute:${data.muteFor}:${data.ref}`
        : `ack:${data.ref}`;
  return text.slice(0, CALLBACK_DATA_LIMIT);
}

/** What a pressed button asks for, or `null` for data liqwatch did not write. */
export function decodeCallback(text: string): CallbackData | null {
  const refresh = REFRESH_CALLBACK.exec(text);
  if (refresh) return { kind: 'refresh', arg: refresh[1] ?? '' };
  const mute = MUTE_CALLBACK.exec(text);
  if (mute) return { kind: 'mute', muteFor: mute[1] as MuteFor, ref: mute[2]! };
  const ack = ACK_CALLBACK.exec(text);
  if (ack) return { kind: 'ack', ref: ack[1]! };
  return null;
}
