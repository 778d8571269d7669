import type { SourceId } from '#core/position.js';
import { coinm } from './coinm.js';
import { pmCm } from './pm-cm.js';
import { pmUm } from './pm-um.js';
import type { PositionSource } from './source.js';
import { usdm } from './usdm.js';
import { usdmWs } from './usdm-ws.js';

export const sources: Record<SourceId, PositionSource> = {
  usdm,
  'usdm-ws': usdmWs,
  coinm,
  'pm-um': pmUm,
  'pm-cm': pmCm,
};

export type { FilterName, PositionFilter, PositionSource } from './source.js';
export { FILTER_NAMES, ResponseShapeError } from './source.js';
