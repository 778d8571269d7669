import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { request } from 'undici';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { BOT_USERNAME, Pipeline, TOKEN, TOP_OF_MINUTE, watchAccount } from './watch-chain.js';
import { SkipClock } from './watch-clock.js';

export type Family = 'fapi' | 'dapi' | 'papi';
export const FAMILIES: readonly Family[] = ['fapi', 'dapi', 'papi'];

/** A mode as measured: `watch.mode`, and whether the legs are inside their warning band. */
export interface WeightCase {
  label: string;
  mode: 'adaptive' | 'always' | 'off';
  atRisk: boolean;
}

export const WEIGHT_CASES: readonly WeightCase[] = [
  { label: 'off', mode: 'off', atRisk: false },
  { label: 'adaptive, calm', mode: 'adaptive', atRisk: false },
  { label: 'adaptive, watching', mode: 'adaptive', atRisk: true },
  { label: 'always', mode: 'always', atRisk: false },
];

export interface WeightFigures extends WeightCase {
  /** Per family: the weight the simulator counted in each measured minute. */
  minutes: Record<Family, number[]>;
  /** Listen-key calls (create, keep alive, close) a measured minute, on average. */
  listenKeyCalls: number;
  /** DynamoDB requests of each measured minute, reads and writes (the check's and the bot's). */
  dynamo: { reads: number[]; writes: number[] };
  problems: string[];
}

const ACCOUNT = watchAccount('weigh');
/** Minutes run; the first (cold containers, first clock probes) is left out of the figures. */
const MINUTES = 6;
const FROM = TOP_OF_MINUTE;

/**
 * The request weight one account on all five sources spends a minute in one mode: the check invoked at
 * the top of every minute for `MINUTES` minutes of market time (overlapping when it watches), and the
 * simulator's counter of each host family read just before each minute ends. The legs stand still;
 * the market streams push their prices every second, as the exchange does (they cost no weight).
 */
export async function measureWatchWeight(c: WeightCase): Promise<WeightFigures> {
  const clock = new SkipClock(FROM);
  const pct = c.atRisk ? 12 : 25;
  const positions = {
    usdm: [leg('BTCUSDT', pct)],
    'usdm-ws': [leg('BTCUSDT', pct)],
    coinm: [leg('BTCUSD_PERP', pct)],
    'pm-um': [leg('ETHUSDT', pct)],
    'pm-cm': [leg('ETHUSD_PERP', pct)],
  };
  const sim = await startExchangeSimulator({ accounts: [{ ...ACCOUNT, positions }], now: clock.now });
  const dynamo = await startLocalDynamo();
  const telegram = await startFakeTelegram({ token: TOKEN, botUsername: BOT_USERNAME, now: clock.now });
  const pipeline = await Pipeline.start(
    { clock, sim, dynamo, telegram },
    { mode: c.mode, account: ACCOUNT, chatId: 1, table: 'weight' },
  );
  const minutes: Record<Family, number[]> = { fapi: [], dapi: [], papi: [] };
  const requests = countRequests(dynamo.client);
  const dynamoMinutes = { reads: [] as number[], writes: [] as number[] };
  let counted = { ...requests };
  let listenKeyCalls = 0;
  try {
    for (let s = 0; s < MINUTES * 60; s++) {
      await clock.until(FROM + s * 1000);
      // The exchange pushes each followed mark price every second, changed or not.
      sim.pushMarkPrices();
      if (s % 60 === 0) pipeline.invoke();
      if (s % 60 !== 59) continue;
      await clock.until(FROM + s * 1000 + 500);
      if (s > 60) {
        const used = await usedWeight(sim);
        for (const f of FAMILIES) minutes[f].push(used[f]);
        dynamoMinutes.reads.push(requests.reads - counted.reads);
        dynamoMinutes.writes.push(requests.writes - counted.writes);
      }
      counted = { ...requests };
    }
  } finally {
    await clock.until(FROM + MINUTES * 60_000 + 10_000);
    await pipeline.close();
    clock.release();
    const measured = (at: number) => at >= FROM + 60_000 && at < FROM + MINUTES * 60_000;
    listenKeyCalls =
      sim.requests.filter((r) => r.path?.endsWith('/listenKey') && measured(r.at)).length / (MINUTES - 1);
    await Promise.all([sim.close(), dynamo.close(), telegram.close()]);
  }
  return { ...c, minutes, listenKeyCalls, dynamo: dynamoMinutes, problems: pipeline.problems };
}

/** DynamoDB's read and write requests sent through `client` from now on, counted as they start. */
function countRequests(client: DynamoDBClient): { reads: number; writes: number } {
  const counts = { reads: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (READS.has(String(context.commandName))) counts.reads++;
      else counts.writes++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCount' },
  );
  return counts;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** A long with its liquidation price `pct` % under the mark. */
function leg(symbol: string, pct: number): SimPosition {
  const coin = symbol.endsWith('_PERP');
  return {
    symbol,
    positionSide: 'BOTH',
    positionAmt: coin ? 10 : 1,
    entryPrice: 100,
    markPrice: 100,
    liquidationPrice: 100 - pct,
    leverage: 5,
  };
}

/**
 * What each family has counted this minute, as its `X-MBX-USED-WEIGHT-1M` header says on a call of
 * weight 1 (`/fapi/v1/time`, `/dapi/v1/time`, `/papi/v1/ping`), less that call.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
async function usedWeight(sim: ExchangeSimulator): Promise<Record<Family, number>> {
  const paths: Record<Family, string> = { fapi: '/fapi/v1/time', dapi: '/dapi/v1/time', papi: '/papi/v1/ping' };
  const used = { fapi: 0, dapi: 0, papi: 0 };
  for (const f of FAMILIES) {
    const { headers, body } = await request(`${sim.url}${paths[f]}`);
    await body.dump();
    used[f] = Number(headers['x-mbx-used-weight-1m']) - 1;
  }
  return used;
}
