/**
 * Retention of personal data at rest: once a day, cycles, plan items and audit rows older than
 * the retention period are deleted. One instance per namespace and task queue
 * (`outbound-retention`), started by the worker; continues as new to keep its history short.
 */
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { ProvisioningActivities } from '../activities/provisioning-activities';

const { purgeHistory } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10s', maximumInterval: '10 minutes' },
});

export interface RetentionInput {
  retentionDays: number;
  /** Time between runs (default one day). */
  everyMs?: number;
}

const RUNS_PER_HISTORY = 30;

export async function retentionWorkflow(input: RetentionInput): Promise<void> {
  for (let run = 0; run < RUNS_PER_HISTORY; run++) {
    await purgeHistory({ retentionDays: input.retentionDays });
    await sleep(input.everyMs ?? 24 * 3600_000);
  }
  await continueAsNew<typeof retentionWorkflow>(input);
}
