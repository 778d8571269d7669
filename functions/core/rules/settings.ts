import type { Finding, Severity } from '../alert.js';
import {
  type AccountRuleSettings,
  type AccountRulesInput,
  accountRuleProblems,
  DEFAULT_ACCOUNT_RULES,
} from './account-rule-settings.js';

/** Per-symbol liquidation-distance settings, over the account's. */
export interface SymbolLiqSettings {
  warningPct?: number | undefined;
  criticalPct?: number | undefined;
  ladderPct?: number[] | undefined;
}

/** Below this distance (in %), a firing `liq-distance` alert repeats at least this often. */
export interface DepthRepeat {
  belowPct: number;
  minutes: number;
}

/** Rule settings with every default applied, for one account (the account rules' in `account-rule-settings.ts`). */
export interface RuleSettings extends AccountRuleSettings {
  liqDistance: {
    enabled: boolean;
    warningPct: number;
    criticalPct: number;
    resolveMarginPct: number;
    /** The margin widens to this many times the distance's swing over the last ten minutes (0: off). */
    volatilityMargin: number;
    /** Rungs inside the critical tier, in %: crossing one downward is told at once (0: past the liquidation price). */
    ladderPct: number[];
    /** A tier resolves or eases only once the distance has stayed clear of it this long. */
    holdDownMinutes: number;
    /** Tighter repeats the deeper a leg is, until the alert is acknowledged. */
    repeatByDepth: DepthRepeat[];
    symbols: Record<string, SymbolLiqSettings>;
  };
  /** `approach`: the distance shrinking fast enough to reach the critical tier within `withinMinutes`. */
  approach: { enabled: boolean; withinMinutes: number };
  leverageCap: { enabled: boolean; default: number; symbols: Record<string, number> };
  newHedgeLeg: { enabled: boolean };
  sourceDown: { enabled: boolean; afterFailures: number };
  keysRefused: { enabled: boolean };
  notionalCap: { enabled: boolean; warningPct: number };
  repeatMinutes: Record<Severity, number>;
}

/** The rules section of the config (top level or one account's), every field optional. */
export interface RulesInput extends AccountRulesInput {
  liqDistance?:
    | {
        enabled?: boolean | undefined;
        warningPct?: number | undefined;
        criticalPct?: number | undefined;
        resolveMarginPct?: number | undefined;
        volatilityMargin?: number | undefined;
        ladderPct?: number[] | undefined;
        holdDownMinutes?: number | undefined;
        repeatByDepth?: DepthRepeat[] | undefined;
        symbols?: Record<string, SymbolLiqSettings> | undefined;
      }
    | undefined;
  approach?: { enabled?: boolean | undefined; withinMinutes?: number | undefined } | undefined;
  leverageCap?:
    | { enabled?: boolean | undefined; default?: number | undefined; symbols?: Record<string, number> | undefined }
    | undefined;
  newHedgeLeg?: { enabled?: boolean | undefined } | undefined;
  sourceDown?: { enabled?: boolean | undefined; afterFailures?: number | undefined } | undefined;
  keysRefused?: { enabled?: boolean | undefined } | undefined;
  notionalCap?: { enabled?: boolean | undefined; warningPct?: number | undefined } | undefined;
  repeatMinutes?: Partial<Record<Severity, number | undefined>> | undefined;
}

export const DEFAULT_RULES: RuleSettings = {
  liqDistance: {
    enabled: true,
    warningPct: 15,
    criticalPct: 7.5,
    resolveMarginPct: 1,
    volatilityMargin: 1,
    ladderPct: [5, 3, 2, 1, 0],
    // Measured by replay of the whole days of ../shared/market-data (test/replay/measure-hold-down.ts):
    // 30 minutes with a margin of one swing is the only pair of 10/20/30 min × 0/1/2 with no flap.
    holdDownMinutes: 30,
    repeatByDepth: [
      { belowPct: 7.5, minutes: 30 },
      { belowPct: 3, minutes: 10 },
      { belowPct: 1, minutes: 2 },
    ],
    symbols: {},
  },
  approach: { enabled: true, withinMinutes: 10 },
  leverageCap: { enabled: true, default: 20, symbols: {} },
  newHedgeLeg: { enabled: true },
  sourceDown: { enabled: true, afterFailures: 3 },
  keysRefused: { enabled: true },
  notionalCap: { enabled: true, warningPct: 90 },
  repeatMinutes: { info: 24 * 60, warning: 4 * 60, critical: 30 },
  ...DEFAULT_ACCOUNT_RULES,
};

/** Defaults, then the config's top-level rules, then the account's own: later wins, field by field. */
export function resolveRuleSettings(...layers: (RulesInput | undefined)[]): RuleSettings {
  let s: RuleSettings = structuredClone(DEFAULT_RULES);
  for (const layer of layers) {
    if (!layer) continue;
    s = {
      liqDistance: {
        ...s.liqDistance,
        ...defined(layer.liqDistance),
        symbols: mergeSymbols(s.liqDistance.symbols, layer.liqDistance?.symbols),
      },
      leverageCap: {
        ...s.leverageCap,
        ...defined(layer.leverageCap),
        symbols: { ...s.leverageCap.symbols, ...layer.leverageCap?.symbols },
      },
      approach: { ...s.approach, ...defined(layer.approach) },
      newHedgeLeg: { ...s.newHedgeLeg, ...defined(layer.newHedgeLeg) },
      sourceDown: { ...s.sourceDown, ...defined(layer.sourceDown) },
      keysRefused: { ...s.keysRefused, ...defined(layer.keysRefused) },
      notionalCap: { ...s.notionalCap, ...defined(layer.notionalCap) },
      repeatMinutes: { ...s.repeatMinutes, ...defined(layer.repeatMinutes) },
      marginRatio: { ...s.marginRatio, ...defined(layer.marginRatio) },
      uniMmr: { ...s.uniMmr, ...defined(layer.uniMmr) },
      accountStatus: { ...s.accountStatus, ...defined(layer.accountStatus) },
      adlRisk: { ...s.adlRisk, ...defined(layer.adlRisk) },
    };
  }
  return s;
}

/** The liquidation-distance thresholds for one symbol. */
export function liqThresholds(s: RuleSettings, symbol: string): { warningPct: number; criticalPct: number } {
  const own = s.liqDistance.symbols[symbol];
  return {
    warningPct: own?.warningPct ?? s.liqDistance.warningPct,
    criticalPct: own?.criticalPct ?? s.liqDistance.criticalPct,
  };
}

/**
 * The ladder of one symbol, deepest last. Past the liquidation price (0) is always a rung, and rungs at
 * or above the critical threshold are left out: reaching them is the escalation to critical itself.
 */
export function ladderFor(s: RuleSettings, symbol: string): number[] {
  const rungs = s.liqDistance.symbols[symbol]?.ladderPct ?? s.liqDistance.ladderPct;
  const critical = liqThresholds(s, symbol).criticalPct;
  return [...new Set([...rungs, 0])].filter((r) => r < critical).sort((a, b) => b - a);
}

/**
 * Minutes between repeats of an alert that keeps firing: its severity's, tightened by depth for a
 * `liq-distance` alert under a `repeatByDepth` line, unless acknowledged (then the severity's, the slowest).
 */
export function repeatMinutesFor(
  s: Pick<RuleSettings, 'repeatMinutes' | 'liqDistance'>,
  alert: Finding,
  acknowledged: boolean,
): number {
  const base = s.repeatMinutes[alert.severity];
  const { value } = alert;
  if (acknowledged || alert.rule !== 'liq-distance' || value === null) return base;
  return Math.min(base, ...s.liqDistance.repeatByDepth.filter((r) => value < r.belowPct).map((r) => r.minutes));
}

export function leverageCapFor(s: RuleSettings, symbol: string): number {
  return s.leverageCap.symbols[symbol] ?? s.leverageCap.default;
}

/** Problems a schema cannot see field by field: a critical threshold on the safe side of its warning one. */
export function ruleSettingsProblems(s: RuleSettings): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const check = (path: string[], t: { warningPct: number; criticalPct: number }) => {
    if (t.criticalPct >= t.warningPct) {
      problems.push({
        path,
        message: `criticalPct (${t.criticalPct}) must be below warningPct (${t.warningPct})`,
      });
    }
  };
  check(['liqDistance'], s.liqDistance);
  for (const symbol of Object.keys(s.liqDistance.symbols)) {
    check(['liqDistance', 'symbols', symbol], liqThresholds(s, symbol));
  }
  problems.push(...accountRuleProblems(s));
  return problems;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== undefined && k !== 'symbols')) as Partial<T>;
}

function mergeSymbols(
  base: RuleSettings['liqDistance']['symbols'],
  over: RuleSettings['liqDistance']['symbols'] | undefined,
): RuleSettings['liqDistance']['symbols'] {
  const out = { ...base };
  for (const [symbol, t] of Object.entries(over ?? {})) out[symbol] = { ...out[symbol], ...defined(t) };
  return out;
}
