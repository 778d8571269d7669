import { BinanceClient } from '#binance/client.js';
import { createKeysProvider, type KeysProvider } from '#config/keys-provider.js';
import {
  type ExchangeSimulator,
  type SimAccount,
  type SimPosition,
  startExchangeSimulator,
} from '#local/exchange-simulator/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

/** What a test of the check against real parts needs: the exchange simulator, dynalite and a real client. */
export interface CheckWorld {
  sim: ExchangeSimulator;
  dynamo: LocalDynamo;
  exchange: BinanceClient;
  /** A state store on a table of its own, so each test starts from nothing. */
  newStore(prefix: string): Promise<DynamoStateStore>;
  /** The account's keys as a keys provider reads them from `KEYS_MAIN`. */
  keys(): KeysProvider;
  close(): Promise<void>;
}

let tables = 0;

/** Starts the simulator with `account` (its keys are the account's), dynalite and a client with short timeouts. */
export async function startCheckWorld(account: SimAccount): Promise<CheckWorld> {
  const [sim, dynamo] = await Promise.all([startExchangeSimulator({ accounts: [account] }), startLocalDynamo()]);
  const exchange = new BinanceClient({ timeoutMs: 2_000, backoffMs: 5 });
  const env = { KEYS_MAIN: JSON.stringify({ apiKey: account.apiKey, apiSecret: account.apiSecret }) };
  return {
    sim,
    dynamo,
    exchange,
    async newStore(prefix) {
      const tableName = `${prefix}-${++tables}`;
      await ensureTable(dynamo.client, tableName);
      return new DynamoStateStore(dynamo.client, tableName);
    },
    keys: () => createKeysProvider({ baseDir: '.', env }),
    async close() {
      await exchange.close();
      await Promise.all([sim.close(), dynamo.close()]);
    },
  };
}

/** A BTC long whose liquidation price is 40,000: at a mark of 50,000 it is 20 % away. */
export const btcLong = (markPrice: number): SimPosition => ({
  symbol: 'BTCUSDT',
  positionAmt: 1,
  entryPrice: 50_000,
  markPrice,
  liquidationPrice: 40_000,
  leverage: 5,
});
