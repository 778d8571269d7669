import type { AccountState } from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import type { WeightReport } from './schemas.js';

/** An account's state as stored, with the version its next write must find. */
export interface VersionedState {
  state: AccountState | null;
  version: number;
}

/** What a send may do, given the marker it found. */
export type SendClaim = 'claimed' | 'already-sent' | 'in-flight';

/**
 * Everything liqwatch keeps between invocations. One adapter: DynamoDB (dynalite locally).
 */
export interface StateStore {
  loadAccount(account: string): Promise<VersionedState>;
  /**
   * Writes the account's next state if nobody else wrote since `version` was read. `false` means another
   * invocation got there first: its notifications stand, ours must be dropped.
   */
  saveAccount(state: AccountState, version: number): Promise<boolean>;
  listMutes(nowMs: number): Promise<Mute[]>;
  putMute(mute: Mute): Promise<void>;
  deleteMutes(ids: readonly string[]): Promise<void>;
  /** Takes the right to send a delivery; a claim left by a crashed sender lapses after `leaseMs`. */
  claimSend(id: string, nowMs: number, leaseMs: number): Promise<SendClaim>;
  markSent(id: string, nowMs: number): Promise<void>;
  releaseSend(id: string): Promise<void>;
  /** `true` the first time an update id is seen: a redelivered update is handled once. */
  claimUpdate(updateId: number, nowMs: number): Promise<boolean>;
  /** `true` once per digest slot (a day, say): two checks never both send the digest. */
  claimDigest(slot: string, nowMs: number): Promise<boolean>;
  saveWeight(report: WeightReport): Promise<void>;
  loadWeight(): Promise<WeightReport | null>;
}
