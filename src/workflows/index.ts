// The worker's workflow bundle entry point: every workflow type Outbound runs.
export { channelWorkflow } from './channel-workflow';
export { cycleWorkflow } from './cycle-workflow';
export { userRetryWorkflow } from './user-retry-workflow';
export { activationWorkflow } from './activation-workflow';
export { onDemandWorkflow } from './on-demand-workflow';
export { retentionWorkflow } from './retention-workflow';
