import { readPositions } from '#accounts/read-positions.js';
import { accountRuleSettings } from '#config/routes.js';
import type { AccountState } from '#core/alerts.js';
import type { Position } from '#core/position.js';
import type { BotDeps } from '../deps.js';

/*
 * The names a command may be about, so a typo is caught and answered with the nearest name instead of
 * silently muting (or listing) nothing.
 */

/** Symbols liqwatch has on record: held or alerting at the last check, or named in an account's rules. */
export function symbolsOnRecord(deps: BotDeps, states: readonly AccountState[]): Set<string> {
  const symbols = new Set<string>();
  for (const state of states) {
    // A leg book's keys are `SYMBOL|SIDE` (legBook in core/rules/new-hedge-leg.ts).
    for (const book of Object.values(state.legs))
      for (const leg of Object.keys(book ?? {})) symbols.add(leg.split('|')[0]!);
    for (const { alert } of Object.values(state.alerts)) if (alert.symbol) symbols.add(alert.symbol);
  }
  for (const account of deps.config.accounts) {
    const rules = accountRuleSettings(deps.config, account.name);
    for (const symbol of [...Object.keys(rules.liqDistance.symbols), ...Object.keys(rules.leverageCap.symbols)]) {
      symbols.add(symbol);
    }
  }
  return symbols;
}

/** The symbols with an open position among those read. */
export function openSymbols(positions: readonly Position[]): Set<string> {
  return new Set(positions.filter((p) => p.positionAmt !== 0).map((p) => p.symbol));
}

/** The symbols held now, read live from every configured account, and the sources that could not be read. */
export async function symbolsHeldNow(deps: BotDeps): Promise<{ symbols: Set<string>; failures: string[] }> {
  const { positions, failures } = await readPositions(deps, null);
  return { symbols: openSymbols(positions), failures };
}
