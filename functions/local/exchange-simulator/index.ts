export { manyPositions } from './many-positions.js';
export { renderRow } from './rows.js';
export { startExchangeSimulator } from './server.js';
export type {
  ExchangeSimulator,
  ExchangeSimulatorOptions,
  SimAccount,
  SimFault,
  SimFaultTarget,
  SimForceOrderType,
  SimLiquidation,
  SimPosition,
  SimPositionSide,
  SimRequestLog,
  SourceId,
} from './types.js';
