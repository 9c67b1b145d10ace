/**
 * Message definitions of Outbound's workflows (signals, queries, updates); their payload types
 * live in `src/domain/messages.ts` so activities and clients import them without the workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChannelStatus, CycleProgress, SyncRequest } from '../domain/messages';

export type * from '../domain/messages';

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
