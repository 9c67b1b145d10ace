/**
 * Inputs, results and message payloads of Outbound's workflows, as pure types that activities,
 * workflows, the API and the CLI all import. Histories carry only ids, counts, hashes and
 * reasons: never secrets, never user attribute values.
 */
import type { CycleCounts, CycleMode, CycleOutcome } from './cycle';

export type CycleFailureReason =
  /** The directory or SQL source could not be read (down, unreachable, timing out). */
  | 'source-unavailable'
  /** The provisioner database (state store) could not be used. */
  | 'store-unavailable'
  /** The side-effect-free Concur probe of the circuit breaker itself failed. */
  | 'target-probe-failed'
  /** A setting is wrong (mapping, filter, missing connection or datastore): retrying cannot fix it. */
  | 'config-error'
  /** An activity ran past its timeouts. */
  | 'timeout'
  /** Anything else (a bug, a failure without a known type). */
  | 'cycle-failed';

export interface CycleFailure {
  reason: CycleFailureReason;
  /** The innermost failure's message: ids, settings and server result names, never attribute values. */
  message: string;
  /** The ApplicationFailure type, when there is one (e.g. `LdapDatastoreError`). */
  type?: string;
}

/**
 * `error`: the last cycle failed; the channel backs off and tries again by itself. A running
 * cycle's own phase (guard wait, open breaker...) is in its progress.
 */
export type ChannelPhase = 'starting' | 'idle' | 'running' | 'paused' | 'error';

/** The last failed cycle of a channel, kept until a cycle completes again. */
export interface ChannelFailure {
  cycleNo: number;
  reason: CycleFailureReason;
  message: string;
  type?: string;
  at: string;
  consecutiveFailures: number;
}

export interface CycleSummary {
  cycleNo: number;
  cycleId: number;
  mode: CycleMode;
  /** Why the cycle read the whole scope (e.g. `config-changed`), when it did. */
  modeReason?: string;
  dryRun: boolean;
  outcome: CycleOutcome;
  counts: CycleCounts;
  /** Milliseconds from plan start to finish (workflow clock). */
  durationMs: number;
  finishedAt: string;
  /** Channel settings re-read at each cycle, so edits apply without restarting the workflow. */
  intervalSeconds: number;
  fullReconcileEvery: number;
}

/** Carried across continue-as-new; keep it small and versioned. */
export interface ChannelCarriedState {
  version: 1;
  nextCycleNo: number;
  lastFullCycleNo: number;
  paused: boolean;
  intervalSeconds: number;
  fullReconcileEvery: number;
  lastCycle?: CycleSummary;
  cyclesThisRun?: number;
  pendingSync?: SyncRequest;
  resetRequested?: boolean;
  /** Set while cycles fail; cleared by the next cycle that completes. */
  lastFailure?: ChannelFailure;
  /** A failed full (or reset) cycle is owed: the next cycle reads in full. */
  fullOwed?: boolean;
}

export interface ChannelWorkflowInput {
  channelId: string;
  state?: ChannelCarriedState;
  /** Test hook: continue as new after this many cycles (samples-typescript's testContinueAsNew). */
  continueAsNewAfterCycles?: number;
}

export interface SyncRequest {
  mode?: CycleMode;
  dryRun?: boolean;
}

const CYCLE_MODES: readonly CycleMode[] = ['full', 'incremental', 'target'];

/**
 * What is wrong with a syncNow request, naming the field; undefined when it is valid. Updates
 * reach the workflow from any client, so the workflow rejects a bad one before it is recorded.
 */
export function syncRequestProblem(request: unknown): string | undefined {
  if (request === undefined || request === null) return undefined;
  if (typeof request !== 'object' || Array.isArray(request)) return 'syncNow: the request must be an object';
  const { mode, dryRun } = request as Record<string, unknown>;
  if (mode !== undefined && !CYCLE_MODES.includes(mode as CycleMode)) return `syncNow.mode: must be one of ${CYCLE_MODES.join(', ')}`;
  if (dryRun !== undefined && typeof dryRun !== 'boolean') return 'syncNow.dryRun: must be a boolean';
  return undefined;
}

export interface ChannelStatus {
  channelId: string;
  phase: ChannelPhase;
  paused: boolean;
  currentCycle?: { cycleNo: number; workflowId: string; mode: CycleMode; dryRun: boolean };
  lastCycle?: CycleSummary;
  nextCycleNo: number;
  nextCycleAt?: string;
  lastFailure?: ChannelFailure;
}

export interface CycleWorkflowInput {
  channelId: string;
  cycleNo: number;
  mode: CycleMode;
  dryRun: boolean;
  /** The channel was paused when the cycle started: wait for resume before applying. */
  paused?: boolean;
}

export interface CycleProgress {
  phase: 'planning' | 'awaiting-approval' | 'applying' | 'paused' | 'breaker-open' | 'awaiting-extensions' | 'finishing' | 'done';
  batches: number;
  batchesDone: number;
  counts?: CycleCounts;
  breakerReason?: string;
  guard?: { removals: number; managed: number; limit: string };
}

export interface UserRetryInput {
  channelId: string;
  guid: string;
  cycleNo: number;
  initialDelayMs?: number;
  maxAttempts?: number;
}

export interface ActivationCheck {
  name: 'target-credentials' | 'datastore' | 'source-filter' | 'exclusion' | 'mapping' | 'config';
  ok: boolean;
  /** Warnings do not block activation (e.g. an exclusion that matches nothing). */
  warning?: boolean;
  setting?: string;
  message: string;
}

export interface ActivationResult {
  channelId: string;
  ok: boolean;
  checks: ActivationCheck[];
  /** Set when activation started (or found running) the channel workflow. */
  channelWorkflowId?: string;
}

export interface OnDemandInput {
  channelId: string;
  guid: string;
  dryRun?: boolean;
}

export interface OnDemandResult {
  channelId: string;
  guid: string;
  action: string;
  reason: string;
  outcome: 'succeeded' | 'failed' | 'skipped' | 'planned';
  message?: string;
  concurId?: string;
}
