export { manyPositions } from './many-positions.js';
export { MAINT_MARGIN_RATE } from './risk-numbers.js';
export { renderRow } from './rows.js';
export { startExchangeSimulator } from './server.js';
export type {
  ExchangeSimulator,
  ExchangeSimulatorOptions,
  SimAccount,
  SimAccountStatus,
  SimFault,
  SimFaultTarget,
  SimForceOrderType,
  SimLiquidation,
  SimMarket,
  SimMarketFault,
  SimMarketStreams,
  SimPosition,
  SimPositionSide,
  SimRequestLog,
  SimRiskLevel,
  SimUserStreams,
  SimWallets,
  SourceId,
} from './types.js';
