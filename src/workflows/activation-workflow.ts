/**
 * Activation: verify target credentials, datastore, filter, exclusion and mapping; only when
 * every blocking check passes, mark the channel active and start its channel workflow.
 */
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CONFIG_FAILURES } from '../domain/error-types';
import type { ProvisioningActivities } from '../activities/provisioning-activities';
import { channelWorkflow } from './channel-workflow';
import type { ActivationResult } from './messages';
import { OutboundChannel, OutboundConnection } from './search-attributes';
import { channelWorkflowId } from './workflow-ids';

const { verifyActivation, setChannelActive } = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: CONFIG_FAILURES },
});

export async function activationWorkflow(input: { channelId: string }): Promise<ActivationResult> {
  const { checks, connectionId } = await verifyActivation({ channelId: input.channelId });
  const ok = checks.every((c) => c.ok || c.warning);
  if (!ok) return { channelId: input.channelId, ok, checks };

  await setChannelActive({ channelId: input.channelId, active: true });
  const workflowId = channelWorkflowId(input.channelId);
  try {
    await startChild(channelWorkflow, {
      workflowId,
      args: [{ channelId: input.channelId }],
      // The channel outlives its activation.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: OutboundChannel, value: input.channelId },
        { key: OutboundConnection, value: connectionId },
      ],
      staticSummary: `Provisioning channel ${input.channelId}`,
    });
  } catch (err) {
    // Re-activating a running channel is a no-op: it resumes where it was.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { channelId: input.channelId, ok, checks, channelWorkflowId: workflowId };
}
