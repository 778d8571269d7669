// Over 200 lines on purpose: the config is one contract, and its schema reads best as one document,
// field by field in the README's order.
import { z } from 'zod';
import { SOURCE_IDS, SYMBOL_PATTERN } from '#core/position.js';
import { resolveRuleSettings, ruleSettingsProblems } from '#core/rules/settings.js';

/*
 * The config file (`liqwatch.config.json`, or inline JSON in LIQWATCH_CONFIG). One schema, used at
 * `cdk synth`, at start-up and by `liqwatch config validate`. Every field is documented in the README.
 */

const SourceIdSchema = z.enum(SOURCE_IDS);

const Pct = z.number().positive().max(100);
const SYMBOL_HINT = 'a symbol such as BTCUSDT or BTCUSD_PERP';
const SymbolName = z.string().regex(SYMBOL_PATTERN, SYMBOL_HINT);

/**
 * Settings per symbol. zod leaves a `__proto__` key out of a record without a word (assigning it would
 * set the result's prototype), so a setting under it would be dropped in silence: it is refused here,
 * by name, like any other key that is not a symbol.
 */
function bySymbol<V extends z.ZodType>(value: V) {
  return z.preprocess(
    (input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: SYMBOL_HINT, input });
      }
      return input;
    },
    z.record(SymbolName, value),
  );
}

/** Minutes between repeats: past a day, an alert that keeps firing would in effect never be told again. */
const RepeatMinutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60, 'at most 1440 minutes (one day), so a firing alert is told again');

/** Ladder rungs inside the critical tier, in % of the mark (0: past the liquidation price). */
const LadderPct = z
  .array(z.number().min(0).lt(100))
  .max(10)
  .refine((r) => new Set(r).size === r.length, { message: 'a rung is listed twice' });

const LiqDistanceSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** Distance of mark to liquidation price, in percent of the mark, at or below which a warning fires. */
    warningPct: Pct.optional(),
    /** ...and at or below which it is critical. */
    criticalPct: Pct.optional(),
    /** Hysteresis: a tier resolves only once the distance is this many points above its threshold. */
    resolveMarginPct: z.number().min(0).max(50).optional(),
    /** ...or this many times the distance's swing over the last ten minutes, where that is wider (0: off). */
    volatilityMargin: z.number().min(0).max(10).optional(),
    /** Crossing one of these rungs downward inside the critical tier is told at once. */
    ladderPct: LadderPct.optional(),
    /** A tier resolves or eases only once the distance has stayed clear of it this many minutes. */
    holdDownMinutes: z.number().int().min(0).max(240).optional(),
    /** Below `belowPct`, a firing alert repeats at least every `minutes` (until acknowledged). */
    repeatByDepth: z
      .array(z.object({ belowPct: Pct, minutes: RepeatMinutes }).strict())
      .max(10)
      .optional(),
    /** Per-symbol thresholds and ladder. */
    symbols: bySymbol(
      z.object({ warningPct: Pct.optional(), criticalPct: Pct.optional(), ladderPct: LadderPct.optional() }).strict(),
    ).optional(),
  })
  .strict();

const LeverageCapSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** The highest leverage allowed without an alert. */
    default: z.number().positive().max(200).optional(),
    /** Per-symbol caps. */
    symbols: bySymbol(z.number().positive().max(200)).optional(),
  })
  .strict();

/** Rungs of an account ladder inside the critical tier: at most ten, none listed twice. */
const Rungs = <T extends z.ZodNumber>(rung: T) =>
  z
    .array(rung)
    .max(10)
    .refine((r) => new Set(r).size === r.length, { message: 'a rung is listed twice' });

/** uniMMR lines: past 1 the equity still covers the maintenance margin; 10 is far above any reminder. */
const UniMmr = z.number().gt(1, 'a uniMMR above 1 (at 1 the equity only just covers the maintenance margin)').max(10);

const MarginRatioSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** Maintenance margin ÷ margin balance, in %, at or above which a warning fires. */
    warningPct: Pct.optional(),
    /** ...and at or above which it is critical. */
    criticalPct: Pct.optional(),
    /** Hysteresis: a tier ends only once the ratio is this many points below its line. */
    resolveMarginPct: z.number().min(0).max(50).optional(),
    /** Rungs inside the critical tier, in %, each told at once when crossed upward (100 is always one). */
    ladderPct: Rungs(Pct).optional(),
  })
  .strict();

const UniMmrSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** The uniMMR at or below which a warning fires. */
    warning: UniMmr.optional(),
    /** ...and at or below which it is critical. */
    critical: UniMmr.optional(),
    /** Hysteresis: a tier ends only once the uniMMR is this far above its line. */
    resolveMargin: z.number().min(0).max(1).optional(),
    /** Rungs inside the critical tier, each told at once when crossed downward (1.05 is always one). */
    ladder: Rungs(UniMmr).optional(),
  })
  .strict();

const RulesSchema = z
  .object({
    liqDistance: LiqDistanceSchema.optional(),
    leverageCap: LeverageCapSchema.optional(),
    /** A cross account's margin ratio (USDⓈ-M, and each COIN-M margin asset). */
    marginRatio: MarginRatioSchema.optional(),
    /** A Portfolio Margin account's uniMMR. */
    uniMmr: UniMmrSchema.optional(),
    /** A Portfolio Margin account status other than NORMAL. */
    accountStatus: z.object({ enabled: z.boolean().optional() }).strict().optional(),
    /** A leg at or above this auto-deleveraging quantile (0 to 4). */
    adlRisk: z
      .object({ enabled: z.boolean().optional(), minQuantile: z.number().int().min(1).max(4).optional() })
      .strict()
      .optional(),
    /** A warning (critical when close) when the distance shrinks fast enough to turn critical within N minutes. */
    approach: z
      .object({ enabled: z.boolean().optional(), withinMinutes: z.number().int().min(1).max(120).optional() })
      .strict()
      .optional(),
    newHedgeLeg: z.object({ enabled: z.boolean().optional() }).strict().optional(),
    sourceDown: z
      .object({
        enabled: z.boolean().optional(),
        /** Failed cycles in a row before it fires (for an account read too: `risk-down`). */
        afterFailures: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
    /** One critical alert for the account when the exchange refuses its keys (or they cannot be read). */
    keysRefused: z.object({ enabled: z.boolean().optional() }).strict().optional(),
    notionalCap: z
      .object({
        enabled: z.boolean().optional(),
        /** Fires when |notional| reaches this percentage of the bracket's maxNotionalValue. */
        warningPct: Pct.optional(),
      })
      .strict()
      .optional(),
    /** Minutes between repeats of an alert that keeps firing, per severity. */
    repeatMinutes: z
      .object({
        info: RepeatMinutes.optional(),
        warning: RepeatMinutes.optional(),
        critical: RepeatMinutes.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'an IANA time zone such as UTC or Europe/Berlin' },
);
const ChatId = z
  .number()
  .int()
  .refine((n) => n !== 0, 'a Telegram chat id');

const ChatSchema = z
  .object({
    /** A Telegram chat id: a user's id for a private chat, a negative id for a group. */
    id: ChatId,
    /** In a group: only these user ids may command the bot. */
    userIds: z.array(z.number().int().positive()).optional(),
    /** In a forum: the topic (message_thread_id) alerts go to and commands are taken from. */
    threadId: z.number().int().positive().optional(),
    /**
     * The zone the chat reads clock times in (acknowledgements, mutes' ends, the digest, command answers).
     * Default: its quiet hours' zone, else the digest's, else UTC (routes.ts `chatTimeZone`).
     */
    timeZone: TimeZone.optional(),
    /** Hours in which only critical alerts are sent. */
    quietHours: z.object({ from: HHMM, to: HHMM, timeZone: TimeZone.optional() }).strict().optional(),
    /** Severities delivered without a sound (a critical alert always rings). */
    silent: z.array(z.enum(['info', 'warning'])).optional(),
    /** An alert easing (critical to warning) arrives without a sound unless this is true. */
    ringWhenEased: z.boolean().optional(),
  })
  .strict();

const TelegramSchema = z
  .object({
    /** Chats that get alerts and answers, with defaults for everything else. */
    chatIds: z.array(ChatId).optional(),
    /** Chats with settings of their own. */
    chats: z.array(ChatSchema).optional(),
    /** The bot's username (without @), so a cold start needs no getMe call. */
    botUsername: z
      .string()
      .regex(/^[A-Za-z0-9_]{5,32}$/, 'a bot username such as liqwatch_bot')
      .optional(),
    /** The daily digest: what is open, and that the checks ran. */
    digest: z
      .object({ enabled: z.boolean().optional(), at: HHMM.optional(), timeZone: TimeZone.optional() })
      .strict()
      .optional(),
  })
  .strict();

const ScheduleSchema = z
  .object({
    /** How often the check runs. */
    everyMinutes: z.number().int().min(1).max(60).optional(),
    /** Inside one run, check again every this many seconds until the next run is due (0: once). */
    pollSeconds: z.number().int().min(0).max(600).optional(),
    /**
     * The share of the exchange's request weight limit (2,400 a minute per host family) the busiest minute may
     * use; `cdk synth` refuses a config over it (weight-capacity.ts). Default 0.5.
     */
    weightShare: z
      .number()
      .gt(0, 'a share of the limit above 0, such as 0.5 for half')
      .max(1, 'at most 1, the whole limit')
      .optional(),
  })
  .strict()
  .refine((s) => !s.pollSeconds || s.pollSeconds < (s.everyMinutes ?? 1) * 60, {
    message: 'pollSeconds must be shorter than the schedule interval',
  });

/** Second-level detection with the exchange's streams (README, "Watch"). */
const WatchSchema = z
  .object({
    /**
     * `adaptive`: a check that finds a leg or an account inside its warning band keeps the streams open for
     * the rest of its interval; `always`: every check does; `off`: the scheduled check alone.
     */
    mode: z.enum(['adaptive', 'always', 'off']).default('adaptive'),
    /** While watching, read the accounts' positions from the exchange again every this many seconds. */
    rereadSeconds: z.number().int().min(1).max(60).default(10),
  })
  .strict();

const AccountSchema = z
  .object({
    /** How alerts and commands name the account. */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
        'use 1-40 letters, digits, "_", "." or "-", starting with a letter or digit',
      ),
    /** The sources read for this account. */
    sources: z
      .array(SourceIdSchema)
      .min(1, 'name at least one source')
      .refine((s) => new Set(s).size === s.length, {
        message: 'a source is listed twice',
      }),
    /** Secrets Manager secret (name or ARN) that holds the keys (deployed). */
    secretId: z.string().min(1).optional(),
    /**
     * The name of this account's key set inside a secret of named key sets (`{ "main": { apiKey, … } }`),
     * so many accounts share one secret; without it the secret is one key set.
     */
    secretKey: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
        'use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
      )
      .optional(),
    /** A JSON file with the keys, relative to the config file (laptop). */
    keysFile: z.string().min(1).optional(),
    /** An environment variable that holds the keys' JSON (laptop, CI). */
    keysEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, such as LIQWATCH_KEYS_MAIN')
      .optional(),
    /** Rule settings for this account only, over the top-level ones. */
    rules: RulesSchema.optional(),
  })
  .strict()
  .refine((a) => [a.secretId, a.keysFile, a.keysEnv].filter((k) => k !== undefined).length === 1, {
    message: 'give exactly one of secretId, keysFile or keysEnv',
  })
  .refine((a) => a.secretKey === undefined || a.secretId !== undefined, {
    path: ['secretKey'],
    message: 'names a key set inside a secret: give it with secretId',
  });

/** A stream endpoint, with an error that says what is expected (zod's own says only "Invalid URL"). */
const StreamUrlSchema = z.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' }).optional();

const EndpointsSchema = z
  .object({
    ...(Object.fromEntries(
      SOURCE_IDS.map((id) => [
        id,
        z
          .url({ protocol: id === 'usdm-ws' ? /^wss?$/ : /^https?$/ })
          .optional()
          .describe(id === 'usdm-ws' ? 'a ws(s) URL' : 'an http(s) base URL'),
      ]),
    ) as Record<(typeof SOURCE_IDS)[number], z.ZodOptional<z.ZodURL>>),
    /** The USDⓈ-M market streams (mark prices); the exchange's is `wss://fstream.binance.com/market`. */
    usdmMarket: StreamUrlSchema,
    /** The COIN-M market streams; the exchange's is `wss://dstream.binance.com`. */
    coinmMarket: StreamUrlSchema,

    /**
     * The user data streams, each followed by `/ws/<listenKey>`; the keys are created on the source's REST
     * endpoint. The exchange's: `wss://fstream.binance.com/private`, `wss://dstream.binance.com`,
     * `wss://fstream.binance.com/pm`.
     */
    usdmPrivate: StreamUrlSchema,
    coinmPrivate: StreamUrlSchema,
    pmPrivate: StreamUrlSchema,
  })
  .strict();

export const ConfigSchema = z
  .object({
    accounts: z
      .array(AccountSchema)
      .min(1, 'configure at least one account')
      .refine((a) => new Set(a.map((x) => x.name)).size === a.length, { message: 'account names must be unique' }),
    /** Rule thresholds; every field has a default. */
    rules: RulesSchema.default({}),
    /** Where alerts go and who may talk to the bot. */
    telegram: TelegramSchema.default({}),
    /** When the check runs. */
    schedule: ScheduleSchema.default({}),
    /** Whether and when the exchange's streams are held for second-level detection. */
    watch: WatchSchema.default({ mode: 'adaptive', rereadSeconds: 10 }),
    /** Replaces the exchange's endpoints per source (a testnet, a simulator, a proxy). */
    endpoints: EndpointsSchema.default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = [...(c.telegram.chatIds ?? []), ...(c.telegram.chats ?? []).map((x) => x.id)];
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['telegram'], message: 'a chat is listed twice' });
    }
    for (const p of ruleSettingsProblems(resolveRuleSettings(c.rules))) {
      ctx.addIssue({ code: 'custom', path: ['rules', ...p.path], message: p.message });
    }
    c.accounts.forEach((a, i) => {
      if (!a.rules) return;
      for (const p of ruleSettingsProblems(resolveRuleSettings(c.rules, a.rules))) {
        ctx.addIssue({ code: 'custom', path: ['accounts', i, 'rules', ...p.path], message: p.message });
      }
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
export type AccountConfig = Config['accounts'][number];
export type RulesConfig = z.infer<typeof RulesSchema>;
export type ChatConfig = z.infer<typeof ChatSchema>;
