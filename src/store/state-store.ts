import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import type { DesiredConcurUser } from '../domain/concur-user';
import type { CycleCounts, CycleMode, CycleOutcome } from '../domain/cycle';
import type { PlannedAction } from '../domain/plan/plan-user';

export type { CycleCounts, CycleMode, CycleOutcome } from '../domain/cycle';

/**
 * The state store: configuration (with versions and drafts), encrypted secrets, and the
 * provisioner database (per channel and source GUID: Concur id, hash of what was last sent,
 * status, attempts, last error), cycles, plan items and the audit trail.
 * Implemented with knex on SQLite (default) or PostgreSQL.
 */

export type UserStatus = 'active' | 'disabled' | 'deleted' | 'failed';

export interface ProvisionedUser {
  channelId: string;
  guid: string;
  concurId?: string;
  /** Status in Concur as Outbound last left it (or `failed` when the last write failed for good). */
  status: UserStatus;
  /** Hash of the desired state last written successfully (see src/domain hashing). */
  lastHash?: string;
  /** Whether the source said enabled when last seen. */
  sourceEnabled: boolean;
  attempts: number;
  lastErrorCode?: string;
  /** Concur's message (never contains attribute values we sent). */
  lastError?: string;
  /** Hash of the source state that failed; a new source state is retried at once. */
  failedHash?: string;
  nextAttemptAt?: Date;
  /** Cycle number in which a full read last saw this GUID in scope. */
  lastSeenCycle?: number;
  excluded: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlanItem {
  cycleId: number;
  seq: number;
  guid: string;
  action: PlannedAction;
  /** Why the action was chosen, e.g. `new in scope`, `mapped values changed`, `left scope`. */
  reason: string;
  batchNo: number;
  /** Desired Concur state for create/update/reactivate; absent for disable/delete. */
  desired?: DesiredConcurUser;
  desiredHash?: string;
  concurId?: string;
  outcome?: 'succeeded' | 'failed' | 'retrying' | 'skipped';
  message?: string;
}

export interface CycleRecord {
  id: number;
  channelId: string;
  cycleNo: number;
  mode: CycleMode;
  dryRun: boolean;
  outcome: CycleOutcome;
  counts: CycleCounts;
  batches: number;
  startedAt: Date;
  finishedAt?: Date;
  /** Watermark read during this cycle; committed to the channel when the cycle succeeds. */
  watermark?: string;
  error?: string;
  /** Why the cycle read the whole scope, e.g. `config-changed` (absent for incremental cycles). */
  modeReason?: string;
  /** Fingerprint of the mapping-relevant settings the cycle planned with (see reconcile-fingerprint). */
  configHash?: string;
}

export interface AuditEntry {
  channelId: string;
  guid: string;
  cycleId?: number;
  at: Date;
  action: PlannedAction | 'link' | 'retry' | 'skip' | 'invalid';
  /** `warning`: a write the channel's provisioning options held back (the reason names the option). */
  outcome: 'succeeded' | 'failed' | 'retrying' | 'planned' | 'skipped' | 'warning';
  reason: string;
  message?: string;
}

export interface AuditQuery {
  action?: string;
  outcome?: AuditEntry['outcome'];
  guid?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this id (the previous page's cursor). */
  before?: number;
  limit: number;
}

/** A partial user record for upserts, addressed by (channelId, guid). */
export type ProvisionedUserPatch = Partial<ProvisionedUser> & { channelId: string; guid: string };

/** One plan item's outcome, for recording a batch of outcomes at once. */
export interface PlanOutcomeRecord {
  cycleId: number;
  seq: number;
  outcome: NonNullable<PlanItem['outcome']>;
  message?: string;
}

export interface ChannelState {
  channelId: string;
  watermark?: string;
  lastCycleNo: number;
  lastFullCycleNo?: number;
  /** Fingerprint committed by the last full cycle: a different one means the config changed since. */
  configHash?: string;
}

export interface StoredOAuthToken {
  accessToken: string;
  expiresAt: Date;
  refreshToken?: string;
  refreshExpiresAt?: Date;
  geolocation?: string;
}

/**
 * A compare-and-set condition on the stored object (undefined: none stored), checked inside the
 * write's transaction with the row locked; false throws StorePreconditionError, nothing written.
 */
export interface WriteCondition<T> {
  expect?: (current: T | undefined) => boolean;
  /** Only when none is stored; of two concurrent creates, the one that inserts second loses. */
  create?: boolean;
}

export interface StateStore {
  // configuration -------------------------------------------------------------------------
  /** Stores a datastore; literal secrets are moved into the encrypted vault and replaced by `vault:` refs. */
  putDatastore(config: DatastoreConfig, condition?: WriteCondition<DatastoreConfig>): Promise<void>;
  getDatastore(id: string): Promise<DatastoreConfig | undefined>;
  listDatastores(): Promise<DatastoreConfig[]>;
  putConnection(config: ConnectionConfig, condition?: WriteCondition<ConnectionConfig>): Promise<void>;
  getConnection(id: string): Promise<ConnectionConfig | undefined>;
  listConnections(): Promise<ConnectionConfig[]>;
  /** Stores a new version of a validated channel config; returns its version number. */
  putChannel(config: ChannelConfig, condition?: WriteCondition<ChannelConfig>): Promise<number>;
  getChannel(id: string): Promise<{ config: ChannelConfig; version: number } | undefined>;
  listChannels(): Promise<Array<{ config: ChannelConfig; version: number }>>;
  /** Drafts may be incomplete JSON; they are validated when promoted with putChannel. */
  putChannelDraft(id: string, draft: unknown): Promise<void>;
  getChannelDraft(id: string): Promise<unknown | undefined>;
  /** Discards a draft (e.g. once it has been promoted with putChannel). */
  deleteChannelDraft(id: string): Promise<void>;
  deleteChannel(id: string, condition?: WriteCondition<ChannelConfig>): Promise<void>;
  deleteDatastore(id: string, condition?: WriteCondition<DatastoreConfig>): Promise<void>;
  deleteConnection(id: string, condition?: WriteCondition<ConnectionConfig>): Promise<void>;
  /** Runs `fn` with a store whose writes are one transaction (all or nothing). */
  transaction<T>(fn: (store: StateStore) => Promise<T>): Promise<T>;

  // tokens ----------------------------------------------------------------------------------
  saveOAuthToken(connectionId: string, token: StoredOAuthToken): Promise<void>;
  loadOAuthToken(connectionId: string): Promise<StoredOAuthToken | undefined>;

  // channel state and cycles ----------------------------------------------------------------
  getChannelState(channelId: string): Promise<ChannelState>;
  /**
   * Creates the cycle row with the next cycle number for the channel, or with `cycleNo` when the
   * channel workflow assigned it (idempotent: an existing row for that number is returned).
   */
  startCycle(channelId: string, mode: CycleMode, dryRun: boolean, cycleNo?: number): Promise<CycleRecord>;
  getCycle(cycleId: number): Promise<CycleRecord | undefined>;
  /** One cycle by the channel's cycle number (one indexed lookup, for the API's cycle page). */
  findCycle(channelId: string, cycleNo: number): Promise<CycleRecord | undefined>;
  updateCycle(cycleId: number, patch: Partial<Pick<CycleRecord, 'mode' | 'modeReason' | 'configHash' | 'outcome' | 'counts' | 'batches' | 'watermark' | 'error' | 'finishedAt'>>): Promise<void>;
  listCycles(channelId: string, limit: number): Promise<CycleRecord[]>;
  /**
   * Marks a cycle done; for a succeeded non-dry-run cycle also commits its watermark to the
   * channel, and for a full one (not rejected) its config fingerprint.
   */
  finishCycle(cycleId: number, outcome: CycleOutcome, counts: CycleCounts): Promise<void>;

  // plan --------------------------------------------------------------------------------------
  addPlanItems(items: PlanItem[]): Promise<void>;
  /** Removes a cycle's plan items (a retried planning activity starts over). */
  clearPlan(cycleId: number): Promise<void>;
  getPlanBatch(cycleId: number, batchNo: number): Promise<PlanItem[]>;
  listPlanItems(cycleId: number, options?: { offset?: number; limit?: number }): Promise<PlanItem[]>;
  recordPlanOutcome(cycleId: number, seq: number, outcome: NonNullable<PlanItem['outcome']>, message?: string): Promise<void>;
  /** recordPlanOutcome for many items in one transaction (an apply batch's flush). */
  recordPlanOutcomes(outcomes: PlanOutcomeRecord[]): Promise<void>;

  // provisioner database --------------------------------------------------------------------
  /** Bulk lookup for one page of source entries. */
  getUsers(channelId: string, guids: string[]): Promise<Map<string, ProvisionedUser>>;
  /** Which user of the channel (GUID) holds each of these Concur ids, among active/disabled users. */
  getConcurIdHolders(channelId: string, concurIds: string[]): Promise<Map<string, string>>;
  getUser(channelId: string, guid: string): Promise<ProvisionedUser | undefined>;
  /**
   * Insert or update by (channelId, guid); unspecified fields keep their values. A field present
   * with value `undefined` clears it (e.g. `nextAttemptAt: undefined`); required fields (status,
   * sourceEnabled, attempts, excluded) ignore `undefined`. A new row without a status is `failed`.
   */
  upsertUser(user: Partial<ProvisionedUser> & { channelId: string; guid: string }): Promise<void>;
  /** upsertUser for many users in one transaction; a later patch of the same user wins. */
  upsertUsers(users: ProvisionedUserPatch[]): Promise<void>;
  /** Records that a full read saw these GUIDs in scope during cycle `cycleNo`. */
  markSeen(channelId: string, guids: string[], cycleNo: number): Promise<void>;
  /**
   * Users Outbound manages (status active or disabled, not excluded) not seen in cycle `cycleNo`,
   * paged by GUID: candidates for the remove-user action after a full read.
   */
  listUnseen(channelId: string, cycleNo: number, afterGuid: string | undefined, limit: number): Promise<ProvisionedUser[]>;
  /** Users whose last write failed (for the API and administrator retries). */
  listFailed(channelId: string, limit: number): Promise<ProvisionedUser[]>;
  countUsers(channelId: string): Promise<Record<UserStatus, number>>;
  /**
   * Forgets a channel's provisioner state (PingFederate's reset-all): plan, watermark, hashes,
   * failures. Links to Concur accounts (active or disabled users) are kept, so no account is
   * orphaned; config, audit and the cycle counter stay.
   */
  resetChannel(channelId: string): Promise<void>;

  // audit -------------------------------------------------------------------------------------
  appendAudit(entries: AuditEntry[]): Promise<void>;
  /**
   * Retention: deletes cycles finished before `before` (with their plan items) and audit rows
   * written before it. Provisioner state (who is managed) is never touched.
   */
  purgeHistory(before: Date): Promise<{ cycles: number; planItems: number; audit: number }>;
  listAudit(channelId: string, options: { guid?: string; cycleId?: number; limit: number }): Promise<AuditEntry[]>;
  /** Channel-wide audit, newest first, filtered, paged by an opaque cursor (`nextCursor`). */
  queryAudit(channelId: string, query: AuditQuery): Promise<{ entries: Array<AuditEntry & { id: number }>; nextCursor?: string }>;

  close(): Promise<void>;
}
