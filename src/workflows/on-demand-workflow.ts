/** Provision one user now, with the full explanation (action, reason, outcome, Concur's message). */
import { proxyActivities } from '@temporalio/workflow';
import { CONFIG_FAILURES } from '../domain/error-types';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import type { OnDemandInput, OnDemandResult } from './messages';

const { provisionOne } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: CONFIG_FAILURES },
});

export async function onDemandWorkflow(input: OnDemandInput): Promise<OnDemandResult> {
  return provisionOne(input);
}
