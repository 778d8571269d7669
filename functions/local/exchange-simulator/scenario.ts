import { z } from 'zod';
import { SOURCE_IDS } from '#core/position.js';
import type { ExchangeSimulatorOptions, SimAccount, SimPosition } from './types.js';

const SimPositionSchema = z.object({
  // Any printable symbol, so tests can prove that clients escape what the exchange sends.
  symbol: z.string().regex(/^\S{1,40}$/, 'a symbol such as BTCUSDT or BTCUSD_PERP, without spaces'),
  positionSide: z.enum(['BOTH', 'LONG', 'SHORT']).optional(),
  positionAmt: z.number(),
  entryPrice: z.number().min(0),
  markPrice: z.number().min(0),
  liquidationPrice: z.number().min(0).optional(),
  leverage: z.number().int().min(1).max(125).optional(),
  marginType: z.enum(['cross', 'isolated']).optional(),
  isolatedMargin: z.number().optional(),
  unrealizedProfit: z.number().optional(),
  breakEvenPrice: z.number().min(0).optional(),
  notional: z.number().optional(),
  maxNotionalValue: z.number().min(0).optional(),
  maxQty: z.number().min(0).optional(),
  updateTime: z.number().int().min(0).optional(),
  marginAsset: z.string().min(1).optional(),
  pair: z.string().min(1).optional(),
});

export const SimPositionsSchema = z.array(SimPositionSchema);

const SimAccountSchema = z
  .object({
    name: z.string().min(1),
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1).optional(),
    publicKeyPem: z.string().includes('PUBLIC KEY').optional(),
    hedgeMode: z.boolean().optional(),
    positions: z.partialRecord(z.enum(SOURCE_IDS), SimPositionsSchema),
    wallets: z.partialRecord(z.enum(['usdm', 'coinm', 'pm']), z.record(z.string(), z.number())).optional(),
  })
  .refine((a) => (a.apiSecret === undefined) !== (a.publicKeyPem === undefined), {
    message: 'give exactly one of apiSecret (HMAC) or publicKeyPem (Ed25519 / RSA)',
  });

const OptionsSchema = z.object({
  accounts: z.array(SimAccountSchema),
  latencyMs: z.number().min(0).optional(),
  clockSkewMs: z.number().optional(),
  weightLimitPerMinute: z.number().int().positive().optional(),
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
});

/**
 * Reads a scenario: every account has one signing key, names and API keys are unique, every leg is
 * plain finite numbers. Fails with every problem and its path.
 */
export function parseScenario(opts: ExchangeSimulatorOptions): ExchangeSimulatorOptions & { accounts: SimAccount[] } {
  const parsed = OptionsSchema.safeParse(opts);
  if (!parsed.success) throw new Error(`exchange simulator scenario: ${z.prettifyError(parsed.error)}`);
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const a of parsed.data.accounts) {
    if (names.has(a.name)) throw new Error(`exchange simulator scenario: two accounts are named ${a.name}`);
    if (keys.has(a.apiKey))
      throw new Error(`exchange simulator scenario: ${a.name} shares its apiKey with another account`);
    names.add(a.name);
    keys.add(a.apiKey);
  }
  return parsed.data;
}

/** Checks legs handed to `setPositions` / `updatePositions`. */
export function parsePositions(positions: unknown): SimPosition[] {
  const parsed = SimPositionsSchema.safeParse(positions);
  if (!parsed.success) throw new Error(`exchange simulator positions: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
