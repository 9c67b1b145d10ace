/**
 * Starts the retention workflow once per namespace and task queue: a worker (re)start attaches
 * to the running one instead of starting a second (workflow-id conflict policy USE_EXISTING).
 */
import type { Client } from '@temporalio/client';
import { retentionWorkflow } from '../workflows/retention-workflow';
import { TASK_QUEUE } from '../workflows/workflow-ids';

export const RETENTION_WORKFLOW_ID = 'outbound-retention';

export async function startRetention(client: Client, options: { retentionDays: number; taskQueue?: string; everyMs?: number }): Promise<string> {
  const handle = await client.workflow.start(retentionWorkflow, {
    workflowId: options.taskQueue && options.taskQueue !== TASK_QUEUE ? `${RETENTION_WORKFLOW_ID}-${options.taskQueue}` : RETENTION_WORKFLOW_ID,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [{ retentionDays: options.retentionDays, everyMs: options.everyMs }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return handle.workflowId;
}
