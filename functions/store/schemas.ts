import { z } from 'zod';
import { FindingSchema } from '#contracts/queue-message.js';
import type { AccountRisk } from '#core/account-risk.js';
import { SEVERITIES } from '#core/alert.js';
import type { AccountState } from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import { SOURCE_IDS } from '#core/position.js';

/*
 * What we read back from the table is an I/O edge like any other: parsed, not cast. The account state
 * is stored as one JSON document so that one conditional write moves the whole account forward.
 */

const SourceIdSchema = z.enum(SOURCE_IDS);
const SeveritySchema = z.enum(SEVERITIES);

// The fields after `told` came later: optional, so state saved before them reads as it was.
const AlertStateSchema = z.object({
  alert: FindingSchema,
  since: z.number(),
  told: z.record(z.string(), z.object({ at: z.number(), severity: SeveritySchema })),
  rung: z.number().nullable().optional(),
  ack: z.object({ by: z.string(), at: z.number() }).nullable().optional(),
  clearSince: z.number().nullable().optional(),
  clearOfWarningSince: z.number().nullable().optional(),
});

const SourceHealthSchema = z.object({
  failures: z.number().int().min(0),
  lastCheckAt: z.number(),
  lastOkAt: z.number().nullable(),
  lastError: z
    .object({
      kind: z.string(),
      message: z.string(),
      exchangeCode: z.number().nullable(),
      keysRefused: z.boolean(),
    })
    .nullable(),
  openPositions: z.number().int().min(0),
});

/** The account numbers last read (`core/account-risk.ts`), as state keeps them. */
const AccountRiskSchema: z.ZodType<AccountRisk> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('cross'),
    account: z.string(),
    source: SourceIdSchema,
    asset: z.string().nullable(),
    maintMargin: z.number(),
    marginBalance: z.number(),
    walletBalance: z.number(),
    availableBalance: z.number().nullable(),
  }),
  z.object({
    kind: z.literal('portfolio'),
    account: z.string(),
    source: SourceIdSchema,
    uniMMR: z.number().nullable(),
    accountStatus: z.string(),
    accountEquity: z.number(),
    actualEquity: z.number(),
    accountMaintMargin: z.number(),
    totalAvailableBalance: z.number().nullable(),
  }),
]);

/** An account read's health: a source's, without its position count. */
const RiskHealthSchema = SourceHealthSchema.omit({ openPositions: true });

export const AccountStateSchema: z.ZodType<AccountState> = z.object({
  account: z.string(),
  legs: z.partialRecord(SourceIdSchema, z.record(z.string(), z.number())),
  health: z.partialRecord(SourceIdSchema, SourceHealthSchema),
  alerts: z.record(z.string(), AlertStateSchema),
  lastCycleAt: z.number().nullable(),
  distances: z.record(z.string(), z.array(z.object({ at: z.number(), pct: z.number() }))).optional(),
  riskHealth: z.partialRecord(SourceIdSchema, RiskHealthSchema).optional(),
  risks: z.array(AccountRiskSchema).optional(),
});

export const MuteSchema: z.ZodType<Mute> = z.object({
  id: z.string(),
  scope: z.enum(['all', 'account', 'symbol', 'alert']),
  target: z.string().nullable(),
  until: z.number().nullable(),
  chatId: z.number().nullable(),
  createdAt: z.number(),
});

/** Request weight each exchange host reported, as of the last check. */
export const WeightReportSchema = z.object({
  at: z.number(),
  hosts: z.array(z.object({ host: z.string(), usedWeight1m: z.number(), at: z.number().optional() })),
});
export type WeightReport = z.infer<typeof WeightReportSchema>;
