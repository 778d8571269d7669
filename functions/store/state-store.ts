import type { AccountState } from '#core/alerts.js';
import type { Mute } from '#core/mutes.js';
import type { WeightReport } from './schemas.js';

/*
 * Everything liqwatch keeps between invocations, as small ports per concern: each part asks for the
 * concerns it uses. One adapter implements them all: DynamoDB (dynalite locally).
 */

/** An account's state as stored, with the version its next write must find. */
export interface VersionedState {
  state: AccountState | null;
  version: number;
}

/** The alert state of each account, moved forward one cycle at a time. */
export interface AccountStates {
  loadAccount(account: string): Promise<VersionedState>;
  /**
   * Writes the account's next state if nobody else wrote since `version` was read. `false` means another
   * invocation got there first: its notifications stand, ours must be dropped.
   */
  saveAccount(state: AccountState, version: number): Promise<boolean>;
}

/** Silences set from chat. */
export interface MuteStore {
  listMutes(nowMs: number): Promise<Mute[]>;
  putMute(mute: Mute): Promise<void>;
  deleteMutes(ids: readonly string[]): Promise<void>;
}

/** What a send may do, given the marker it found. */
export type SendClaim = 'claimed' | 'already-sent' | 'in-flight';

/** Sent markers: a delivery goes out once, however often the queue offers it. */
export interface SendMarkers {
  /** Takes the right to send a delivery; a claim left by a crashed sender lapses after `leaseMs`. */
  claimSend(id: string, nowMs: number, leaseMs: number): Promise<SendClaim>;
  markSent(id: string, nowMs: number): Promise<void>;
  releaseSend(id: string): Promise<void>;
}

/** Things done once however many invocations try. */
export interface OnceClaims {
  /** `true` the first time an update id is seen: a redelivered update is handled once. */
  claimUpdate(updateId: number, nowMs: number): Promise<boolean>;
  /** `true` once per digest slot (a day, say): two checks never both send the digest. */
  claimDigest(slot: string, nowMs: number): Promise<boolean>;
}

/** The request weight the exchange last reported, for `/status`. */
export interface WeightLog {
  saveWeight(report: WeightReport): Promise<void>;
  loadWeight(): Promise<WeightReport | null>;
}

/** All of it: what the one adapter implements. */
export interface StateStore extends AccountStates, MuteStore, SendMarkers, OnceClaims, WeightLog {}
