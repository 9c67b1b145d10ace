/**
 * Inputs, results and message definitions of Outbound's workflows. Histories carry only ids,
 * counts, hashes and reasons: never secrets, never user attribute values.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleCounts, CycleMode, CycleOutcome } from '../store/state-store';
import type { CycleFailureReason } from './cycle-failure';

/** `error`: the last cycle failed; the channel backs off and tries again by itself. */
export type ChannelPhase = 'starting' | 'idle' | 'running' | 'paused' | 'awaiting-approval' | 'breaker-open' | 'stopping' | 'error';

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
  error?: string;
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

// channel messages ------------------------------------------------------------------------------
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Deactivation: finish the current cycle, then stop cycling (state is kept). */
export const stopSignal = defineSignal('stop');
export const approveSignal = defineSignal<[{ cycleNo: number }]>('approve');
export const rejectSignal = defineSignal<[{ cycleNo: number }]>('reject');
export const statusQuery = defineQuery<ChannelStatus>('status');
export const syncNowUpdate = defineUpdate<{ cycleNo: number; workflowId: string }, [SyncRequest]>('syncNow');
export const resetUpdate = defineUpdate<{ cycleNo: number; workflowId: string }, []>('reset');

// cycle messages --------------------------------------------------------------------------------
export const cycleProgressQuery = defineQuery<CycleProgress>('progress');
export const cyclePauseSignal = defineSignal<[{ paused: boolean }]>('setPaused');
export const cycleDecisionSignal = defineSignal<[{ approved: boolean }]>('guardDecision');
/** The channel is being deactivated: stop between batches, leave a guard wait or an open breaker. */
export const cycleStopSignal = defineSignal('stopCycle');
