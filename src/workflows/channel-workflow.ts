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
import { ErrorTypes } from '../domain/error-types';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import { ChannelEntity } from './channel-entity';
import { cycleWorkflow } from './cycle-workflow';
import {
  approveSignal,
  cycleDecisionSignal,
  cyclePauseSignal,
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

const CYCLES_PER_RUN = 50;

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
  setHandler(stopSignal, () => void (channel.stopRequested = true));
  setHandler(approveSignal, ({ cycleNo }) => decideCycle(cycleNo, true));
  setHandler(rejectSignal, ({ cycleNo }) => decideCycle(cycleNo, false));
  setHandler(syncNowUpdate, async (request) => {
    const cycleNo = channel.requestSync(request);
    await condition(() => channel.startedCycleNo >= cycleNo);
    return { cycleNo, workflowId: cycleWorkflowId(input.channelId, cycleNo) };
  });
  setHandler(resetUpdate, async () => {
    const cycleNo = channel.requestReset();
    await condition(() => channel.startedCycleNo >= cycleNo);
    return { cycleNo, workflowId: cycleWorkflowId(input.channelId, cycleNo) };
  });

  function setState(value: string) {
    upsertSearchAttributes([
      { key: OutboundChannel, value: input.channelId },
      { key: OutboundChannelState, value },
    ]);
  }

  const runLimit = input.continueAsNewAfterCycles ?? CYCLES_PER_RUN;
  let cyclesThisRun = 0;
  for (;;) {
    // Paused channels start no cycle; a syncNow still waits for resume.
    channel.phase = channel.paused ? 'paused' : 'idle';
    setState(channel.phase);
    await condition(() => !channel.paused || channel.stopRequested);
    if (channel.stopRequested) break;

    if (channel.state.resetRequested) {
      await resetChannelState({ channelId: input.channelId });
      channel.state.resetRequested = false;
    }
    const workflowId = cycleWorkflowId(input.channelId, channel.state.nextCycleNo);
    const cycle = channel.beginCycle(workflowId);
    setState('running');
    const child = await startChild(cycleWorkflow, {
      workflowId,
      args: [{ channelId: input.channelId, ...cycle, paused: channel.paused }],
      typedSearchAttributes: [{ key: OutboundChannel, value: input.channelId }],
      staticSummary: `${cycle.mode}${cycle.dryRun ? ' dry-run' : ''} cycle ${cycle.cycleNo} of channel ${input.channelId}`,
    });
    // syncNow/reset callers are answered once the cycle workflow exists, so they can await it.
    channel.startedCycleNo = cycle.cycleNo;
    const summary = await child.result();
    channel.endCycle(summary);
    cyclesThisRun++;

    if (channel.stopRequested) break;
    const waitMs = channel.state.intervalSeconds * 1000;
    channel.nextCycleAt = new Date(Date.now() + waitMs).toISOString();
    channel.phase = channel.paused ? 'paused' : 'idle';
    setState(channel.phase);
    await condition(() => channel.syncPending || channel.stopRequested, waitMs);
    channel.nextCycleAt = undefined;
    if (channel.stopRequested) break;

    // Continue as new at a cycle boundary, after the wait, so the new run starts with a cycle.
    // A syncNow/reset caller waiting for its cycle is served first (its cycle runs in this run).
    if ((cyclesThisRun >= runLimit || workflowInfo().continueAsNewSuggested) && !channel.syncPending) {
      await condition(() => allHandlersFinished() || channel.syncPending);
      if (!channel.syncPending) await continueAsNew<typeof channelWorkflow>({ ...input, state: { ...channel.state, cyclesThisRun: 0 } });
    }
  }
  setState('stopped');
  await condition(allHandlersFinished);
  return { cycles: cyclesThisRun, stopped: true };
}
