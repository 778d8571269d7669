import { ENDPOINTS, POSITION_PATHS, TIME_PROBES } from '../hosts.js';
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
  transport: {
    kind: 'ws',
    defaultEndpoint: ENDPOINTS.wsFapi,
    method: POSITION_PATHS['usdm-ws'],
    // The WebSocket API has no time method: its requests are signed with USDⓈ-M REST's clock.
    time: TIME_PROBES.fapi,
  },
  serverFilters: ['symbol'],
  rowSchema: UsdmPositionRowSchema,
  normalise: (row, account) => normaliseUsdmRow(row, account, 'usdm-ws'),
});
