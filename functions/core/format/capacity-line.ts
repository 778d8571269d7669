import { HOST_FAMILIES, type WeightCapacity } from '../weight-capacity.js';

/*
 * The config's request weight in words: one line at `cdk synth` and in `/status`, and the reason a synth
 * refuses a config over its share of the exchange's limit. Plain text: no user-supplied string in it.
 */

const count = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(n);

/**
 * `weight a minute (watching, re-read every 10 s): fapi 200 · dapi 54 · papi 204 of 1,200 a host (50 % of
 * 2,400): 17 %, room for 11 accounts like these (2 configured)`. "Like these": on all the sources and rules
 * the configured accounts have, on average.
 */
export function renderCapacityLine(c: WeightCapacity): string {
  const when = c.busiestWhileWatching
    ? `watching, re-read every ${c.rereadSeconds} s`
    : `${c.checksPerMinute} check${c.checksPerMinute === 1 ? '' : 's'}`;
  const families = HOST_FAMILIES.map((f) => `${f} ${count(c.busiest[f])}`).join(' · ');
  const room = Number.isFinite(c.holds) ? `room for ${count(c.holds)} accounts like these` : 'no limit reached';
  return (
    `weight a minute (${when}): ${families} of ${count(c.budget)} a host ` +
    `(${Math.round(c.share * 100)} % of ${count(c.limit)}): ${count(Math.ceil(c.usedPct))} %, ${room} (${c.configured} configured)`
  );
}

/** Whether the busiest minute needs more weight than the config's share of the limit. */
export const overShare = (c: WeightCapacity): boolean => c.usedPct > 100;

/** Why a config over its share is refused, and what brings it back under. */
export function capacityRefusal(c: WeightCapacity): string {
  const cadence = c.busiestWhileWatching
    ? 'a longer watch.rereadSeconds or watch.mode "off"'
    : c.checksPerMinute > 1
      ? 'a longer schedule.pollSeconds'
      : 'fewer sources per account';
  return (
    `schedule: the config needs more request weight than its share of the exchange's limit: ${renderCapacityLine(c)}. ` +
    `Keep at most ${count(c.holds)} such accounts per deployment, or use ${cadence}, or a larger schedule.weightShare ` +
    `(at 1, the whole limit: a retry then risks a 429 and a ban)`
  );
}
