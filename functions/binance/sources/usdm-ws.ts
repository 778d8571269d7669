import { defineSource } from './source.js';
import { normaliseUsdmRow, UsdmPositionRowSchema } from './usdm.js';

/**
 * WebSocket API method `account.position`, weight 5 (seed 001): the REST rows, wrapped in
 * `{id, status, result, rateLimits}`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/websocket-api/Position-Information
 */
export const usdmWs = defineSource({
  id: 'usdm-ws',
  weight: 5,
  transport: { kind: 'ws', defaultEndpoint: 'wss://ws-fapi.binance.com/ws-fapi/v1', method: 'account.position' },
  serverFilters: ['symbol'],
  rowSchema: UsdmPositionRowSchema,
  normalise: (row, account) => normaliseUsdmRow(row, account, 'usdm-ws'),
});
