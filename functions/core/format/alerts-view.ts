import type { AlertState, Finding, RuleId } from '../alert.js';
import type { AccountState } from '../alerts.js';
import { isMuteActive, isMuted, type Mute, mutesOfChat } from '../mutes.js';
import { alertOrigin, depthText, SEVERITY_MARK } from './alert-text.js';
import { escapeHtml as e } from './html.js';
import { ago, dayClock } from './times.js';

/** A chat reading an answer: its id, and the time zone it reads times in. */
export interface Reader {
  chatId: number;
  timeZone: string;
}

/**
 * An alert's depth and acknowledgement as `/alerts` and the digest show them, each empty when there is
 * none: ` · ⬇️ under 3 %` after its line (in its rule's terms: ` · ⬇️ margin ratio 90 % or more`), and
 * `\n   ☑️ acknowledged by @ann at 12:01 UTC` below it.
 */
export function renderStanding(
  s: Pick<AlertState, 'rung' | 'ack'> & { rule: RuleId },
  nowMs: number,
  timeZone: string,
): { depth: string; ack: string } {
  const depth = depthText(s.rung, s.rule);
  return {
    depth: depth ? ` · ⬇️ ${depth}` : '',
    ack: s.ack ? `\n   ☑️ acknowledged by ${e(s.ack.by)} at ${dayClock(s.ack.at, nowMs, timeZone)}` : '',
  };
}

/**
 * `/alerts`: what is firing now, critical first, each with its depth (the ladder rung it went under) and
 * who acknowledged it and when; then the mutes the reading chat is under. Times are in the reader's zone.
 */
export function renderFiring(
  states: readonly AccountState[],
  allMutes: readonly Mute[],
  nowMs: number,
  reader: Reader,
): string {
  const mutes = mutesOfChat(allMutes, reader.chatId).filter((m) => isMuteActive(m, nowMs));
  const firing: ({ f: Finding; since: number } & Pick<AlertState, 'rung' | 'ack'>)[] = states.flatMap((s) =>
    Object.values(s.alerts)
      .filter((a) => a.alert.rule !== 'new-hedge-leg')
      .map((a) => ({ f: a.alert, since: a.since, rung: a.rung, ack: a.ack })),
  );
  const rank = { critical: 0, warning: 1, info: 2 };
  firing.sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.since - b.since);
  const lines = firing.map(({ f, since, rung, ack }) => {
    const standing = renderStanding({ rule: f.rule, rung, ack }, nowMs, reader.timeZone);
    return [
      `${SEVERITY_MARK[f.severity]} ${e(alertOrigin(f))}: ${e(f.message)} <i>(${ago(nowMs - since)})</i>`,
      standing.depth,
      isMuted(mutes, f, reader.chatId, nowMs) ? ' 🔇' : '',
      standing.ack,
    ].join('');
  });
  const muteLines = mutes.map(
    (m) =>
      `🔇 ${m.scope === 'all' ? 'everything' : e(m.target ?? '')} ${m.until === null ? 'until resolved' : `until ${dayClock(m.until, nowMs, reader.timeZone)}`}`,
  );
  return [
    firing.length ? `<b>${firing.length} alert${firing.length === 1 ? '' : 's'} firing</b>` : '✅ No alert firing.',
    ...lines,
    ...(muteLines.length ? ['', '<b>Mutes</b>', ...muteLines] : []),
  ].join('\n');
}
