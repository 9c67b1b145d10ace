/** Workflow-ID builders: one place decides how each workflow is named (see the Web UI). */
export const TASK_QUEUE = 'outbound-provisioning';

export const channelWorkflowId = (channelId: string): string => `channel-${channelId}`;
export const cycleWorkflowId = (channelId: string, cycleNo: number): string => `channel-${channelId}-cycle-${cycleNo}`;
export const userRetryWorkflowId = (channelId: string, guid: string): string => `channel-${channelId}-user-${guid}`;
export const activationWorkflowId = (channelId: string): string => `channel-${channelId}-activation`;
export const onDemandWorkflowId = (channelId: string, guid: string): string => `channel-${channelId}-ondemand-${guid}`;
