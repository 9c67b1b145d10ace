import type { DesiredConcurUser } from '../domain/concur-user';
import type { AuditEntry, CycleCounts, CycleRecord, PlanItem, ProvisionedUser } from './state-store';
import { opt, parseJson, toBool, toDate, toNumber, toOptionalDate, toOptionalNumber } from './row-values';

/** Row shapes of the provisioner tables and their mapping to the domain types of state-store.ts. */

export interface UserRow {
  channel_id: string;
  guid: string;
  concur_id: string | null;
  status: string;
  last_hash: string | null;
  source_enabled: boolean | number;
  attempts: number | string;
  last_error_code: string | null;
  last_error: string | null;
  failed_hash: string | null;
  next_attempt_at: Date | number | null;
  last_seen_cycle: number | string | null;
  excluded: boolean | number;
  created_at: Date | number;
  updated_at: Date | number;
}

export function userFromRow(r: UserRow): ProvisionedUser {
  return {
    channelId: r.channel_id,
    guid: r.guid,
    concurId: opt(r.concur_id),
    status: r.status as ProvisionedUser['status'],
    lastHash: opt(r.last_hash),
    sourceEnabled: toBool(r.source_enabled),
    attempts: toNumber(r.attempts),
    lastErrorCode: opt(r.last_error_code),
    lastError: opt(r.last_error),
    failedHash: opt(r.failed_hash),
    nextAttemptAt: toOptionalDate(r.next_attempt_at),
    lastSeenCycle: toOptionalNumber(r.last_seen_cycle),
    excluded: toBool(r.excluded),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

/**
 * Column of each ProvisionedUser field an upsert may set, and whether the column takes NULL.
 * A field present with value `undefined` clears a nullable column (the engine writes
 * `nextAttemptAt: undefined` to mean "no retry pending"); an absent field keeps its value.
 */
export const USER_COLUMNS: ReadonlyArray<{ field: keyof ProvisionedUser; column: keyof UserRow; nullable: boolean }> = [
  { field: 'concurId', column: 'concur_id', nullable: true },
  { field: 'status', column: 'status', nullable: false },
  { field: 'lastHash', column: 'last_hash', nullable: true },
  { field: 'sourceEnabled', column: 'source_enabled', nullable: false },
  { field: 'attempts', column: 'attempts', nullable: false },
  { field: 'lastErrorCode', column: 'last_error_code', nullable: true },
  { field: 'lastError', column: 'last_error', nullable: true },
  { field: 'failedHash', column: 'failed_hash', nullable: true },
  { field: 'nextAttemptAt', column: 'next_attempt_at', nullable: true },
  { field: 'lastSeenCycle', column: 'last_seen_cycle', nullable: true },
  { field: 'excluded', column: 'excluded', nullable: false },
];

export interface PlanRow {
  cycle_id: number;
  seq: number;
  guid: string;
  action: string;
  reason: string;
  batch_no: number;
  desired: string | null;
  desired_hash: string | null;
  concur_id: string | null;
  outcome: string | null;
  message: string | null;
}

export function planToRow(i: PlanItem): PlanRow {
  return {
    cycle_id: i.cycleId,
    seq: i.seq,
    guid: i.guid,
    action: i.action,
    reason: i.reason,
    batch_no: i.batchNo,
    desired: i.desired === undefined ? null : JSON.stringify(i.desired),
    desired_hash: i.desiredHash ?? null,
    concur_id: i.concurId ?? null,
    outcome: i.outcome ?? null,
    message: i.message ?? null,
  };
}

export function planFromRow(r: PlanRow): PlanItem {
  const item: PlanItem = {
    cycleId: toNumber(r.cycle_id),
    seq: toNumber(r.seq),
    guid: r.guid,
    action: r.action as PlanItem['action'],
    reason: r.reason,
    batchNo: toNumber(r.batch_no),
  };
  if (r.desired !== null) item.desired = parseJson<DesiredConcurUser>(r.desired);
  if (r.desired_hash !== null) item.desiredHash = r.desired_hash;
  if (r.concur_id !== null) item.concurId = r.concur_id;
  if (r.outcome !== null) item.outcome = r.outcome as PlanItem['outcome'];
  if (r.message !== null) item.message = r.message;
  return item;
}

export interface CycleRow {
  id: number;
  channel_id: string;
  cycle_no: number;
  mode: string;
  dry_run: boolean | number;
  outcome: string;
  counts: string;
  batches: number;
  started_at: Date | number;
  finished_at: Date | number | null;
  watermark: string | null;
  error: string | null;
  mode_reason?: string | null;
  config_hash?: string | null;
}

export function cycleFromRow(r: CycleRow): CycleRecord {
  return {
    id: toNumber(r.id),
    channelId: r.channel_id,
    cycleNo: toNumber(r.cycle_no),
    mode: r.mode as CycleRecord['mode'],
    dryRun: toBool(r.dry_run),
    outcome: r.outcome as CycleRecord['outcome'],
    counts: parseJson<CycleCounts>(r.counts),
    batches: toNumber(r.batches),
    startedAt: toDate(r.started_at),
    finishedAt: toOptionalDate(r.finished_at),
    watermark: opt(r.watermark),
    error: opt(r.error),
    modeReason: opt(r.mode_reason ?? null),
    configHash: opt(r.config_hash ?? null),
  };
}

export interface AuditRow {
  channel_id: string;
  guid: string;
  cycle_id: number | null;
  at: Date | number;
  action: string;
  outcome: string;
  reason: string;
  message: string | null;
}

export function auditToRow(e: AuditEntry): AuditRow {
  return {
    channel_id: e.channelId,
    guid: e.guid,
    cycle_id: e.cycleId ?? null,
    at: e.at,
    action: e.action,
    outcome: e.outcome,
    reason: e.reason,
    message: e.message ?? null,
  };
}

export function auditFromRow(r: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    channelId: r.channel_id,
    guid: r.guid,
    at: toDate(r.at),
    action: r.action as AuditEntry['action'],
    outcome: r.outcome as AuditEntry['outcome'],
    reason: r.reason,
  };
  if (r.cycle_id !== null) entry.cycleId = toNumber(r.cycle_id);
  if (r.message !== null) entry.message = r.message;
  return entry;
}
