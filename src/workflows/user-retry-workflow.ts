/**
 * Durable per-user retry: one workflow per user whose write failed transiently. Each attempt
 * re-reads and re-maps the user's current source state, so a newer state supersedes the old one.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import { CONFIG_FAILURES } from '../domain/error-types';
import { RETRY_DEFAULTS, USER_RETRY_MAX_DELAY_MS } from '../domain/schedules';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import type { UserRetryInput } from './messages';

const { retryUser, markUserFailed } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: CONFIG_FAILURES },
});

export async function userRetryWorkflow(input: UserRetryInput): Promise<{ outcome: string; attempts: number }> {
  const maxAttempts = input.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  let delay = input.initialDelayMs ?? RETRY_DEFAULTS.initialDelaySeconds * 1000;
  let lastMessage = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await sleep(delay);
    const result = await retryUser({ channelId: input.channelId, guid: input.guid, attempt });
    if (result.outcome !== 'retry') return { outcome: result.outcome, attempts: attempt };
    lastMessage = result.message ?? 'transient failure';
    delay = Math.min(delay * 2, USER_RETRY_MAX_DELAY_MS);
  }
  await markUserFailed({ channelId: input.channelId, guid: input.guid, message: `gave up after ${maxAttempts} retries: ${lastMessage}` });
  return { outcome: 'failed', attempts: maxAttempts };
}
