/**
 * One provisioning cycle of a channel: plan -> guard -> apply in batches -> record.
 * The plan lives in the state store; this history holds only ids, counts and reasons.
 */
import {
  condition,
  proxyActivities,
  setHandler,
  patched,
  startChild,
  ParentClosePolicy,
  log,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CONFIG_FAILURES } from '../domain/error-types';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import { removalGuardReason } from '../domain/plan/removal-guard';
import {
  cycleDecisionSignal,
  cyclePauseSignal,
  cycleProgressQuery,
  cycleStopSignal,
  type CycleProgress,
  type CycleSummary,
  type CycleWorkflowInput,
} from './messages';
import { OutboundCycleOutcome } from './search-attributes';
import { userRetryWorkflowId } from './workflow-ids';
import { userRetryWorkflow } from './user-retry-workflow';

const { beginCycle, finishCycle } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: CONFIG_FAILURES },
});
// A source that stays down fails the cycle within about a minute; the channel then shows `error`
// and tries again with its own back-off, instead of this cycle retrying for many minutes.
const { planCycle } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: CONFIG_FAILURES },
});
const { applyBatch } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: CONFIG_FAILURES },
});
const { checkProvisions } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '1 minute', nonRetryableErrorTypes: CONFIG_FAILURES },
});
const { probeTarget } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/**
 * Batches applied at once; each applies its users with the channel's max threads, and the
 * connection's maxConnections caps the writes in flight. Three, not two: while one batch looks
 * its users up or waits for its slowest write, the other two keep the connection's slots busy.
 */
const PARALLEL_BATCHES = 3;
const BREAKER_PROBE_MAX_MS = 5 * 60_000;
/** UPS asks for status polls no faster than every 5 s; back off to a minute; give up after an hour. */
const PROVISION_POLL_FIRST_MS = 5_000;
const PROVISION_POLL_MAX_MS = 60_000;
const PROVISION_WAIT_MAX_MS = 60 * 60_000;

export async function cycleWorkflow(input: CycleWorkflowInput): Promise<CycleSummary> {
  const startedAt = Date.now();
  const progress: CycleProgress = { phase: 'planning', batches: 0, batchesDone: 0 };
  let paused = input.paused ?? false;
  let decision: boolean | undefined;
  let stopping = false;
  setHandler(cycleProgressQuery, () => progress);
  setHandler(cycleStopSignal, () => void (stopping = true));
  setHandler(cyclePauseSignal, ({ paused: p }) => void (paused = p));
  setHandler(cycleDecisionSignal, ({ approved }) => void (decision = approved));

  const { cycleId } = await beginCycle({ channelId: input.channelId, cycleNo: input.cycleNo, mode: input.mode, dryRun: input.dryRun });
  const plan = await planCycle({ channelId: input.channelId, cycleId });
  progress.batches = plan.batches;
  progress.counts = plan.counts;

  const summary = (outcome: CycleSummary['outcome'], counts = plan.counts, error?: string): CycleSummary => ({
    cycleNo: input.cycleNo,
    cycleId,
    mode: plan.mode ?? input.mode,
    modeReason: plan.modeReason,
    dryRun: input.dryRun,
    outcome,
    counts,
    durationMs: Date.now() - startedAt,
    finishedAt: new Date().toISOString(),
    intervalSeconds: plan.intervalSeconds,
    fullReconcileEvery: plan.fullReconcileEvery,
    error,
  });

  if (input.dryRun) {
    const { counts } = await finishCycle({ cycleId, outcome: 'planned' });
    progress.phase = 'done';
    return summary('planned', counts);
  }

  // Target reconciliation's repairs (re-creates, drift updates) are mass changes too.
  const guarded = plan.counts.disable + plan.counts.delete + (plan.counts.repair ?? 0);
  const guardReason = removalGuardReason(guarded, plan.managed, plan.guard, { emptyRead: plan.emptyRead });
  if (guardReason) {
    progress.phase = 'awaiting-approval';
    progress.guard = { removals: guarded, managed: plan.managed, limit: guardReason };
    log.warn('cycle waits for approval', { channelId: input.channelId, cycleNo: input.cycleNo, reason: guardReason });
    await condition(() => decision !== undefined || stopping);
    if (!decision) {
      const { counts } = await finishCycle({ cycleId, outcome: 'rejected' });
      upsertSearchAttributes([{ key: OutboundCycleOutcome, value: 'rejected' }]);
      progress.phase = 'done';
      return summary('rejected', counts);
    }
  }

  progress.phase = 'applying';
  const retryGuids = new Set<string>();
  const applied = { succeeded: 0, failed: 0, retrying: 0 };
  const provisions: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.batches && !stopping) {
      if (paused) {
        progress.phase = 'paused';
        await condition(() => !paused || stopping);
        progress.phase = 'applying';
        if (stopping) break;
      }
      const batchNo = next++;
      for (let probeDelay = plan.retry.breakerProbeSeconds * 1000; ; probeDelay = Math.min(probeDelay * 2, BREAKER_PROBE_MAX_MS)) {
        const result = await applyBatch({ channelId: input.channelId, cycleId, batchNo });
        result.retryingGuids.forEach((g) => retryGuids.add(g));
        provisions.push(...result.provisions);
        if (!result.connectionError) {
          applied.succeeded += result.succeeded;
          applied.failed += result.failed;
          applied.retrying += result.retrying;
          break;
        }
        // Circuit breaker: target-wide failure stops writes; probe cheaply until Concur recovers.
        progress.phase = 'breaker-open';
        progress.breakerReason = result.connectionError;
        log.warn('breaker open', { channelId: input.channelId, reason: result.connectionError });
        for (;;) {
          if (await condition(() => stopping, probeDelay)) break;
          const probe = await probeTarget({ channelId: input.channelId });
          if (probe.ok) break;
          progress.breakerReason = probe.reason ?? result.connectionError;
          probeDelay = Math.min(probeDelay * 2, BREAKER_PROBE_MAX_MS);
        }
        progress.phase = 'applying';
        progress.breakerReason = undefined;
        if (stopping) return;
      }
      progress.batchesDone++;
    }
  };
  // Runs started before the third batch keep replaying with two.
  const parallelBatches = patched('parallel-batches-3') ? PARALLEL_BATCHES : 2;
  await Promise.all(Array.from({ length: Math.min(parallelBatches, plan.batches) }, worker));

  // Spend/Travel (UPS) provisions complete asynchronously: await them with durable timers.
  let pending = provisions;
  const waitStarted = Date.now();
  for (let delay = PROVISION_POLL_FIRST_MS; pending.length > 0 && !stopping && Date.now() - waitStarted < PROVISION_WAIT_MAX_MS; delay = Math.min(delay * 1.5, PROVISION_POLL_MAX_MS)) {
    progress.phase = 'awaiting-extensions';
    if (await condition(() => stopping, delay)) break;
    const checked = await checkProvisions({ channelId: input.channelId, cycleId, provisionIds: pending });
    pending = checked.pending;
    applied.failed += checked.failed;
    applied.succeeded -= checked.failed;
  }

  // Users whose write failed transiently get their own durable retry, at most one per user; a
  // retry already running for a user reads the newest source state on its next attempt.
  for (const guid of retryGuids) {
    try {
      await startChild(userRetryWorkflow, {
        workflowId: userRetryWorkflowId(input.channelId, guid),
        args: [{ channelId: input.channelId, guid, cycleNo: input.cycleNo, initialDelayMs: plan.retry.initialDelaySeconds * 1000, maxAttempts: plan.retry.maxAttempts }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  // Provisions still pending are not forgotten: their users' hashes were not saved (only a
  // confirmed provision saves it), so the next cycle sends them again.
  if (pending.length > 0) log.warn('stopped waiting for extension provisions; their users are sent again next cycle', { channelId: input.channelId, pending: pending.length });

  progress.phase = 'finishing';
  // A cycle stopped before all its batches ran is partial: its watermark is not committed.
  const { counts, outcome } = await finishCycle({ cycleId, outcome: progress.batchesDone < plan.batches || pending.length > 0 ? 'partial' : 'auto', applied });
  upsertSearchAttributes([{ key: OutboundCycleOutcome, value: outcome }]);
  progress.phase = 'done';
  progress.counts = counts;
  return summary(outcome, counts);
}
