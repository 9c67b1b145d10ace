/**
 * One long-running workflow per active channel (`channel-<id>`): runs a cycle, waits for the
 * interval (or a syncNow), and continues as new before its history grows.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '../domain/error-types';
import { syncRequestProblem, type SyncRequest } from '../domain/messages';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import { ChannelEntity } from './channel-entity';
import { classifyCycleFailure } from './cycle-failure';
import { cycleWorkflow } from './cycle-workflow';
import {
  approveSignal,
  cycleDecisionSignal,
  cyclePauseSignal,
  cycleStopSignal,
  pauseSignal,
  rejectSignal,
  resetUpdate,
  resumeSignal,
  statusQuery,
  stopSignal,
  syncNowUpdate,
  type ChannelWorkflowInput,
} from './messages';
import { OutboundChannel, OutboundChannelState } from './search-attributes';
import { cycleWorkflowId } from './workflow-ids';

const { loadChannelRuntime, resetChannelState } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '30s', nonRetryableErrorTypes: [ErrorTypes.ChannelNotFound] },
});
// Bounded: the store may be what is down; the failure is already in the channel's status.
const { recordCycleFailure } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

const CYCLES_PER_RUN = 50;

function validateSyncRequest(request: SyncRequest): void {
  const problem = syncRequestProblem(request);
  if (problem) throw ApplicationFailure.nonRetryable(problem, ErrorTypes.InvalidRequest);
}

export async function channelWorkflow(input: ChannelWorkflowInput): Promise<{ cycles: number; stopped: boolean }> {
  const state = input.state ?? ChannelEntity.initialState(await loadChannelRuntime({ channelId: input.channelId }));
  const channel = new ChannelEntity(input.channelId, state);
  // Pause and guard decisions reach the running cycle, which acts on them between batches. The
  // cycle may finish while the signal is on its way; then there is nothing left to tell it.
  const tellCycle = async (send: (workflowId: string) => Promise<void>) => {
    if (!channel.current) return;
    try {
      await send(channel.current.workflowId);
    } catch (err) {
      log.info('cycle already finished; signal not delivered', { error: (err as Error).message });
    }
  };
  const setCyclePaused = (paused: boolean) => tellCycle((id) => getExternalWorkflowHandle(id).signal(cyclePauseSignal, { paused }));
  const decideCycle = async (cycleNo: number, approved: boolean) => {
    if (channel.current?.cycleNo === cycleNo) await tellCycle((id) => getExternalWorkflowHandle(id).signal(cycleDecisionSignal, { approved }));
  };

  setHandler(statusQuery, () => channel.status());
  setHandler(pauseSignal, async () => {
    channel.pause();
    setState(channel.current ? 'running' : 'paused');
    await setCyclePaused(true);
  });
  setHandler(resumeSignal, async () => {
    channel.resume();
    setState(channel.current ? 'running' : 'idle');
    await setCyclePaused(false);
  });
  // Deactivation works in every state: a running cycle is told to stop between batches and to
  // leave a guard wait or an open breaker, so the channel never waits on it indefinitely.
  setHandler(stopSignal, async () => {
    channel.requestStop();
    await tellCycle((id) => getExternalWorkflowHandle(id).signal(cycleStopSignal));
  });
  setHandler(approveSignal, ({ cycleNo }) => decideCycle(cycleNo, true));
  setHandler(rejectSignal, ({ cycleNo }) => decideCycle(cycleNo, false));
  setHandler(
    syncNowUpdate,
    async (request) => {
      const cycleNo = channel.requestSync(request ?? {});
      await condition(() => channel.startedCycleNo >= cycleNo);
      return { cycleNo, workflowId: cycleWorkflowId(input.channelId, cycleNo) };
    },
    { validator: validateSyncRequest },
  );
  setHandler(resetUpdate, async () => {
    const cycleNo = channel.requestReset();
    await condition(() => channel.startedCycleNo >= cycleNo);
    return { cycleNo, workflowId: cycleWorkflowId(input.channelId, cycleNo) };
  });

  /** One cycle as a child workflow; a failed cycle never kills its channel. */
  async function runCycle(): Promise<void> {
    const workflowId = cycleWorkflowId(input.channelId, channel.state.nextCycleNo);
    const cycle = channel.beginCycle(workflowId);
    setState('running');
    try {
      if (channel.state.resetRequested) {
        await resetChannelState({ channelId: input.channelId });
        channel.resetDone();
      }
      const child = await startChild(cycleWorkflow, {
        workflowId,
        args: [{ channelId: input.channelId, ...cycle, paused: channel.paused }],
        typedSearchAttributes: [{ key: OutboundChannel, value: input.channelId }],
        staticSummary: `${cycle.mode}${cycle.dryRun ? ' dry-run' : ''} cycle ${cycle.cycleNo} of channel ${input.channelId}`,
      });
      // syncNow/reset callers are answered once the cycle workflow exists, so they can await it.
      channel.cycleStarted(cycle.cycleNo);
      // A stop that arrived while the cycle was being started has not reached it yet.
      if (channel.stopRequested) await tellCycle((id) => getExternalWorkflowHandle(id).signal(cycleStopSignal));
      channel.endCycle(await child.result());
    } catch (err) {
      // Record why, show `error`, back off, go on.
      const failure = classifyCycleFailure(err);
      channel.cycleStarted(cycle.cycleNo);
      channel.failCycle(cycle.cycleNo, failure, new Date().toISOString());
      log.warn('cycle failed; the channel backs off and tries again', { channelId: input.channelId, cycleNo: cycle.cycleNo, reason: failure.reason, type: failure.type });
      try {
        await recordCycleFailure({ channelId: input.channelId, cycleNo: cycle.cycleNo, reason: failure.reason, message: failure.message });
      } catch {
        log.warn('could not record the failed cycle in the store', { channelId: input.channelId, cycleNo: cycle.cycleNo });
      }
    }
  }

  function setState(value: string) {
    upsertSearchAttributes([
      { key: OutboundChannel, value: input.channelId },
      { key: OutboundChannelState, value },
    ]);
  }

  const runLimit = input.continueAsNewAfterCycles ?? CYCLES_PER_RUN;
  for (;;) {
    // Paused channels start no cycle; a syncNow still waits for resume.
    setState(channel.rest());
    await condition(() => !channel.paused || channel.stopRequested);
    if (channel.stopRequested) break;

    await runCycle();
    if (channel.stopRequested) break;

    const waitMs = channel.waitMs();
    setState(channel.rest(new Date(Date.now() + waitMs).toISOString()));
    await condition(() => channel.syncPending || channel.stopRequested, waitMs);
    channel.rest();
    if (channel.stopRequested) break;

    // Continue as new at a cycle boundary, after the wait, so the new run starts with a cycle.
    // A syncNow/reset caller waiting for its cycle is served first (its cycle runs in this run).
    if ((channel.cyclesThisRun >= runLimit || workflowInfo().continueAsNewSuggested) && !channel.syncPending) {
      await condition(() => allHandlersFinished() || channel.syncPending);
      if (!channel.syncPending) await continueAsNew<typeof channelWorkflow>({ ...input, state: channel.continuedState() });
    }
  }
  setState('stopped');
  await condition(allHandlersFinished);
  return { cycles: channel.cyclesThisRun, stopped: true };
}
