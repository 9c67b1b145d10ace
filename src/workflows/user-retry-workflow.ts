/**
 * Durable per-user retry: one workflow per user whose write failed transiently. Each attempt
 * re-reads and re-maps the user's current source state, so a newer state supersedes the old one.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import { CONFIG_FAILURES } from '../domain/error-types';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import type { UserRetryInput } from './messages';

const { retryUser, markUserFailed } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: CONFIG_FAILURES },
});

export async function userRetryWorkflow(input: UserRetryInput): Promise<{ outcome: string; attempts: number }> {
  const maxAttempts = input.maxAttempts ?? 8;
  let delay = input.initialDelayMs ?? 10_000;
  let lastMessage = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await sleep(delay);
    const result = await retryUser({ channelId: input.channelId, guid: input.guid, attempt });
    if (result.outcome !== 'retry') return { outcome: result.outcome, attempts: attempt };
    lastMessage = result.message ?? 'transient failure';
    delay = Math.min(delay * 2, 30 * 60_000);
  }
  await markUserFailed({ channelId: input.channelId, guid: input.guid, message: `gave up after ${maxAttempts} retries: ${lastMessage}` });
  return { outcome: 'failed', attempts: maxAttempts };
}
