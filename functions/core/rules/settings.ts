import type { Severity } from '../alert.js';

/** Rule settings with every default applied, for one account. */
export interface RuleSettings {
  liqDistance: {
    enabled: boolean;
    warningPct: number;
    criticalPct: number;
    resolveMarginPct: number;
    symbols: Record<string, { warningPct?: number | undefined; criticalPct?: number | undefined }>;
  };
  leverageCap: { enabled: boolean; default: number; symbols: Record<string, number> };
  newHedgeLeg: { enabled: boolean };
  sourceDown: { enabled: boolean; afterFailures: number };
  keysRefused: { enabled: boolean };
  notionalCap: { enabled: boolean; warningPct: number };
  repeatMinutes: Record<Severity, number>;
}

/** The rules section of the config (top level or one account's), every field optional. */
export interface RulesInput {
  liqDistance?:
    | {
        enabled?: boolean | undefined;
        warningPct?: number | undefined;
        criticalPct?: number | undefined;
        resolveMarginPct?: number | undefined;
        symbols?: Record<string, { warningPct?: number | undefined; criticalPct?: number | undefined }> | undefined;
      }
    | undefined;
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
  liqDistance: { enabled: true, warningPct: 15, criticalPct: 7.5, resolveMarginPct: 1, symbols: {} },
  leverageCap: { enabled: true, default: 20, symbols: {} },
  newHedgeLeg: { enabled: true },
  sourceDown: { enabled: true, afterFailures: 3 },
  keysRefused: { enabled: true },
  notionalCap: { enabled: true, warningPct: 90 },
  repeatMinutes: { info: 24 * 60, warning: 4 * 60, critical: 30 },
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
      newHedgeLeg: { ...s.newHedgeLeg, ...defined(layer.newHedgeLeg) },
      sourceDown: { ...s.sourceDown, ...defined(layer.sourceDown) },
      keysRefused: { ...s.keysRefused, ...defined(layer.keysRefused) },
      notionalCap: { ...s.notionalCap, ...defined(layer.notionalCap) },
      repeatMinutes: { ...s.repeatMinutes, ...defined(layer.repeatMinutes) },
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

export function leverageCapFor(s: RuleSettings, symbol: string): number {
  return s.leverageCap.symbols[symbol] ?? s.leverageCap.default;
}

/** Problems a schema cannot see field by field: a critical threshold above its warning one. */
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
