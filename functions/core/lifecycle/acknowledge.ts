import { isEventRule } from '../alert.js';
import type { AccountState } from './account-state.js';

/**
 * An alert acknowledged from chat: it then repeats at its slowest interval (the severity's
 * `repeatMinutes`, not the tighter one of its depth), while a new rung down is still told. The
 * acknowledgement holds for the tier it was given in: an alert that escalates or eases needs a new one.
 * `null` when the account has no such firing alert (it resolved, or the key is not one). Pure.
 */
export function acknowledgeAlert(state: AccountState, key: string, by: string, at: number): AccountState | null {
  const alert = Object.hasOwn(state.alerts, key) ? state.alerts[key] : undefined;
  if (!alert || isEventRule(alert.alert.rule)) return null;
  return { ...state, alerts: { ...state.alerts, [key]: { ...alert, ack: { by, at } } } };
}
