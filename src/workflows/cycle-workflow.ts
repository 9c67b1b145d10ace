/**
 * One provisioning cycle of a channel: plan -> guard -> apply with breaker -> await extensions ->
 * start retries -> finish. The plan lives in the state store; this history holds only ids, counts
 * and reasons.
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
import { BREAKER_PROBE_MAX_MS, nextPollDelay, PROVISION_POLL } from '../domain/schedules';
import type { PlanCycleResult } from '../activities/plan-cycle';
import type { CycleCounts, CycleOutcome } from '../domain/cycle';
import type { CycleSummary, CycleWorkflowInput } from '../domain/messages';
import { CycleEntity } from './cycle-entity';
import { cycleDecisionSignal, cyclePauseSignal, cycleProgressQuery, cycleStopSignal } from './messages';
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
const nextBreakerProbeMs = (delayMs: number) => Math.min(delayMs * 2, BREAKER_PROBE_MAX_MS);

export async function cycleWorkflow(input: CycleWorkflowInput): Promise<CycleSummary> {
  const startedAt = Date.now();
  const cycle = new CycleEntity(input.paused ?? false);
  setHandler(cycleProgressQuery, () => cycle.progress);
  setHandler(cycleStopSignal, () => cycle.requestStop());
  setHandler(cyclePauseSignal, ({ paused }) => cycle.setPaused(paused));
  setHandler(cycleDecisionSignal, ({ approved }) => cycle.decide(approved));

  const { cycleId } = await beginCycle({ channelId: input.channelId, cycleNo: input.cycleNo, mode: input.mode, dryRun: input.dryRun });
  const plan = await planCycle({ channelId: input.channelId, cycleId });
  cycle.planned(plan.batches, plan.counts);
  const summary = (outcome: CycleSummary['outcome'], counts: CycleCounts): CycleSummary => ({
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
  });

  if (input.dryRun) {
    const { counts } = await finishCycle({ cycleId, outcome: 'planned' });
    cycle.done();
    return summary('planned', counts);
  }
  if (!(await guard(input, cycle, plan))) {
    const { counts } = await finishCycle({ cycleId, outcome: 'rejected' });
    upsertSearchAttributes([{ key: OutboundCycleOutcome, value: 'rejected' }]);
    cycle.done();
    return summary('rejected', counts);
  }
  await applyWithBreaker(input, cycleId, cycle, plan);
  await awaitExtensions(input, cycleId, cycle);
  await startRetries(input, cycle, plan);
  const { counts, outcome } = await finish(input, cycleId, cycle);
  return summary(outcome, counts);
}

/**
 * The mass-change guard: more removals (and target repairs) than the channel allows wait for an
 * approve or reject. True when the cycle may apply.
 */
async function guard(input: CycleWorkflowInput, cycle: CycleEntity, plan: PlanCycleResult): Promise<boolean> {
  const guarded = plan.counts.disable + plan.counts.delete + (plan.counts.repair ?? 0);
  const limit = removalGuardReason(guarded, plan.managed, plan.guard, { emptyRead: plan.emptyRead });
  if (!limit) return true;
  cycle.awaitApproval({ removals: guarded, managed: plan.managed, limit });
  log.warn('cycle waits for approval', { channelId: input.channelId, cycleNo: input.cycleNo, reason: limit });
  await condition(() => cycle.decision !== undefined || cycle.stopRequested);
  return cycle.decision === true;
}

/** Applies the plan's batches, PARALLEL_BATCHES at a time, pausing and stopping between batches. */
async function applyWithBreaker(input: CycleWorkflowInput, cycleId: number, cycle: CycleEntity, plan: PlanCycleResult): Promise<void> {
  cycle.enter('applying');
  const worker = async (): Promise<void> => {
    for (;;) {
      if (cycle.paused && !cycle.stopRequested) {
        cycle.enter('paused');
        await condition(() => !cycle.paused || cycle.stopRequested);
        cycle.enter('applying');
      }
      const batchNo = cycle.takeBatch();
      if (batchNo === undefined) return;
      if (!(await applyOneBatch(input, cycleId, batchNo, cycle, plan.retry.breakerProbeSeconds * 1000))) return;
    }
  };
  // Runs started before the third batch keep replaying with two.
  const parallelBatches = patched('parallel-batches-3') ? PARALLEL_BATCHES : 2;
  await Promise.all(Array.from({ length: Math.min(parallelBatches, plan.batches) }, worker));
}

/**
 * One batch; a target-wide failure (401/403/unreachable) opens the circuit breaker, which probes
 * Concur cheaply until it recovers, then applies the batch again. False when the cycle stopped.
 */
async function applyOneBatch(input: CycleWorkflowInput, cycleId: number, batchNo: number, cycle: CycleEntity, firstProbeMs: number): Promise<boolean> {
  for (let probeDelay = firstProbeMs; ; probeDelay = nextBreakerProbeMs(probeDelay)) {
    const result = await applyBatch({ channelId: input.channelId, cycleId, batchNo });
    cycle.batchApplied(result);
    if (!result.connectionError) {
      cycle.batchDone(result);
      return true;
    }
    cycle.breakerOpen(result.connectionError);
    log.warn('breaker open', { channelId: input.channelId, reason: result.connectionError });
    for (;;) {
      if (await condition(() => cycle.stopRequested, probeDelay)) break;
      const probe = await probeTarget({ channelId: input.channelId });
      if (probe.ok) break;
      cycle.breakerOpen(probe.reason ?? result.connectionError);
      probeDelay = nextBreakerProbeMs(probeDelay);
    }
    cycle.breakerClosed();
    if (cycle.stopRequested) return false;
  }
}

/** Spend/Travel (UPS) provisions complete asynchronously: await them with durable timers. */
async function awaitExtensions(input: CycleWorkflowInput, cycleId: number, cycle: CycleEntity): Promise<void> {
  const waitStarted = Date.now();
  for (let poll = 1; cycle.pendingProvisions.length > 0 && !cycle.stopRequested && Date.now() - waitStarted < PROVISION_POLL.timeoutMs; poll++) {
    cycle.enter('awaiting-extensions');
    if (await condition(() => cycle.stopRequested, nextPollDelay(poll))) break;
    cycle.provisionsChecked(await checkProvisions({ channelId: input.channelId, cycleId, provisionIds: cycle.pendingProvisions }));
  }
  // Provisions still pending are not forgotten: their users' hashes were not saved (only a
  // confirmed provision saves it), so the next cycle sends them again.
  if (cycle.pendingProvisions.length > 0) {
    log.warn('stopped waiting for extension provisions; their users are sent again next cycle', { channelId: input.channelId, pending: cycle.pendingProvisions.length });
  }
}

/**
 * Users whose write failed transiently get their own durable retry, at most one per user; a retry
 * already running for a user reads the newest source state on its next attempt.
 */
async function startRetries(input: CycleWorkflowInput, cycle: CycleEntity, plan: PlanCycleResult): Promise<void> {
  for (const guid of cycle.retryGuids) {
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
}

/** Records counts and outcome; a cycle stopped early or with provisions pending is partial (its watermark is not committed). */
async function finish(input: CycleWorkflowInput, cycleId: number, cycle: CycleEntity): Promise<{ counts: CycleCounts; outcome: CycleOutcome }> {
  cycle.enter('finishing');
  const result = await finishCycle({ cycleId, outcome: cycle.complete ? 'auto' : 'partial', applied: cycle.applied });
  upsertSearchAttributes([{ key: OutboundCycleOutcome, value: result.outcome }]);
  cycle.done(result.counts);
  return result;
}
