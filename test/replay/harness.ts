import { BinanceClient } from '#binance/client.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CheckDeps, runCycle } from '#check/run-check.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { RuleId, Severity } from '#core/alert.js';
import { liqDistancePct, type Position } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo } from '#store/local-dynamo.js';
import {
  distanceAt,
  firstCandle,
  type LegLive,
  liquidatedBy,
  liquidationPriceOf,
  markOf,
  type PollPoint,
  pollsOf,
  simLegsOf,
} from './market-path.js';
import type { ReplayPlan } from './scenario.js';

export type { PollPoint };

/*
 * Replays a plan through the real check: `runCycle` with the real BinanceClient against the exchange
 * simulator on loopback (latency 0), state in dynalite, and a queue that keeps what it is handed. One
 * clock drives the check, the client and the simulator, so a replayed minute takes no real time. Each
 * poll (market-path.ts: the close of every minute, and a wick where one crossed a line unseen): the
 * exchange liquidates what the path liquidated (`sim.liquidate`, which records the force order), the
 * simulator's marks are set, and one cycle runs.
 */

const CHAT_ID = 4242;
const MINUTE = 60_000;

/** One leg as one poll saw it: `distance` is `null` while flat (not yet opened, or liquidated). */
export interface LegReading {
  open: boolean;
  distance: number | null;
}

export interface Poll {
  at: number;
  /** Minute of the window. */
  minute: number;
  point: PollPoint;
  /** Index-aligned with the plan's legs. */
  legs: LegReading[];
}

/** One notification the check handed to the queue, with the poll it came from. */
export interface Told {
  poll: number;
  at: number;
  /** The plan's leg it is about; `null` for an alert about no leg (source-down, say). */
  leg: number | null;
  kind: string;
  rule: RuleId;
  severity: Severity;
  value: number | null;
  threshold: number | null;
  message: string;
}

export interface ReplayRecord {
  plan: ReplayPlan;
  polls: Poll[];
  told: Told[];
  /** Per leg, the first poll that saw it flat after the exchange liquidated it. */
  liquidatedAtPoll: (number | null)[];
  /** Cycles run, wick polls among them, and the real time the replay took. */
  cycles: number;
  wickPolls: number;
  ms: number;
}

export interface ReplayOptions {
  /** The config's `rules` section (as in liqwatch.config.json). */
  rules?: Record<string, unknown>;
}

let tables = 0;

/** Runs one replay on its own simulator, client and table (the dynalite server is shared). */
export async function runReplay(
  dynamo: LocalDynamo,
  plan: ReplayPlan,
  opts: ReplayOptions = {},
): Promise<ReplayRecord> {
  const started = performance.now();
  const first = Object.values(plan.markets)[0]![0]!.at;
  const clock = { t: first };
  const now = () => clock.t;
  const apiKey = `replay-api-key-${plan.account}`.padEnd(64, '0');
  const apiSecret = `replay-api-secret-${plan.account}`.padEnd(64, '1');
  const sim = await startExchangeSimulator({
    now,
    accounts: [{ name: plan.account, apiKey, apiSecret, hedgeMode: plan.hedgeMode, positions: {} }],
  });
  const exchange = new BinanceClient({ timeoutMs: 5_000, retries: 0, now });
  const tableName = `replay-${++tables}`;
  await ensureTable(dynamo.client, tableName);
  const sent: Delivery[] = [];
  const queue: AlertQueue = { send: async (d) => void sent.push(...d) };
  const deps: CheckDeps = {
    config: parseConfig(
      {
        accounts: [{ name: plan.account, sources: plan.sources, keysEnv: 'REPLAY_KEYS' }],
        telegram: { chatIds: [CHAT_ID], digest: { enabled: false } },
        endpoints: Object.fromEntries(plan.sources.map((s) => [s, s === 'usdm-ws' ? sim.wsUrl : sim.url])),
        rules: opts.rules ?? {},
      },
      'replay config',
    ),
    exchange,
    keys: createKeysProvider({ baseDir: '.', env: { REPLAY_KEYS: JSON.stringify({ apiKey, apiSecret }) } }),
    store: new DynamoStateStore(dynamo.client, tableName),
    queue,
    now,
    exchangeClock: now,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  try {
    const record = await replay(plan, sim, deps, clock, sent);
    return { ...record, ms: performance.now() - started };
  } finally {
    await exchange.close();
    await sim.close();
  }
}

async function replay(
  plan: ReplayPlan,
  sim: ExchangeSimulator,
  deps: CheckDeps,
  clock: { t: number },
  sent: Delivery[],
): Promise<Omit<ReplayRecord, 'ms'>> {
  const live: LegLive[] = plan.legs.map(() => ({ opened: false, liquidated: false, duePastLiquidation: false }));
  const polls: Poll[] = [];
  const told: Told[] = [];
  const liquidatedAtPoll: (number | null)[] = plan.legs.map(() => null);
  const minutes = Object.values(plan.markets)[0]!.length;
  let wickPolls = 0;

  for (let minute = 0; minute < minutes; minute++) {
    const points = pollsOf(plan, live, minute, polls.at(-1)?.legs.map((r) => r.distance) ?? []);
    wickPolls += points.length - 1;
    for (const [n, point] of points.entries()) {
      for (const i of liquidatedBy(plan, live, minute, point)) {
        const leg = plan.legs[i]!;
        sim.liquidate(plan.account, leg.source, leg.symbol, {
          ...(plan.hedgeMode ? { positionSide: leg.positionSide } : {}),
          price: liquidationPriceOf(leg, minute, point),
        });
        live[i]!.liquidated = true;
      }
      plan.legs.forEach((leg, i) => {
        if (point === 'close' && minute === leg.openMinute) live[i]!.opened = true;
      });
      clock.t = firstCandle(plan, minute).at + (point === 'close' ? MINUTE : (n + 1) * 20_000);
      for (const source of plan.sources)
        sim.setPositions(plan.account, source, simLegsOf(plan, live, source, minute, point));

      const before = sent.length;
      const report = await runCycle(deps);
      const readings = plan.legs.map((leg, i) => {
        const open = live[i]!.opened && !live[i]!.liquidated;
        return { open, distance: open ? distanceAt(leg, minute, point, markOf(plan, leg, minute, point)) : null };
      });
      checkRead(plan, readings, report.accounts[0]?.positions ?? [], report.accounts[0]?.sources ?? [], clock.t);
      polls.push({ at: clock.t, minute, point, legs: readings });
      told.push(...toldOf(plan, sent.slice(before), polls.length - 1, clock.t));
      readings.forEach((r, i) => {
        if (r.open && r.distance !== null && r.distance <= 0) live[i]!.duePastLiquidation = true;
        if (live[i]!.liquidated && liquidatedAtPoll[i] === null) liquidatedAtPoll[i] = polls.length - 1;
      });
    }
  }
  return { plan, polls, told, liquidatedAtPoll, cycles: polls.length, wickPolls };
}

/** The check must have read every source and every leg as placed; a replay that misread would prove nothing. */
function checkRead(
  plan: ReplayPlan,
  readings: readonly LegReading[],
  positions: readonly Position[],
  sources: readonly { source: string; ok: boolean; error?: string }[],
  at: number,
): void {
  const failed = sources.filter((s) => !s.ok);
  const when = new Date(at).toISOString();
  if (failed.length > 0 || sources.length !== plan.sources.length) {
    throw new Error(`${plan.account} ${when}: sources not read: ${JSON.stringify(failed)}`);
  }
  plan.legs.forEach((leg, i) => {
    const p = positions.find(
      (x) => x.source === leg.source && x.symbol === leg.symbol && x.positionSide === leg.positionSide,
    );
    const seen = p && p.positionAmt !== 0 ? liqDistancePct(p) : null;
    const placed = readings[i]!.distance;
    if (seen === placed || (seen !== null && placed !== null && Math.abs(seen - placed) < 1e-6)) return;
    throw new Error(`${plan.account} ${when}: the check read ${leg.name} at ${seen}, placed at ${placed}`);
  });
}

function toldOf(plan: ReplayPlan, deliveries: readonly Delivery[], poll: number, at: number): Told[] {
  return deliveries.flatMap((d) =>
    d.kind !== 'alerts'
      ? []
      : d.notifications.map((n) => {
          const { alert } = n;
          const leg = plan.legs.findIndex(
            (l) => l.source === alert.source && l.symbol === alert.symbol && l.positionSide === alert.positionSide,
          );
          return {
            poll,
            at,
            leg: leg >= 0 ? leg : null,
            kind: n.kind,
            rule: alert.rule,
            severity: alert.severity,
            value: alert.value,
            threshold: alert.threshold,
            message: alert.message,
          };
        }),
  );
}
