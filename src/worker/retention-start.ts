/**
 * Starts the retention workflow once per namespace and task queue: a worker (re)start attaches
 * to the running one instead of starting a second (workflow-id conflict policy USE_EXISTING).
 */
import type { Client } from '@temporalio/client';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '../domain/config/duration-limits';
import { TASK_QUEUE } from '../workflows/workflow-ids';

export const RETENTION_WORKFLOW_ID = 'outbound-retention';

/** OUTBOUND_RETENTION_DAYS: whole days, 1..3650 (default 90); anything else is refused, naming it. */
export function retentionDaysFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.OUTBOUND_RETENTION_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new RangeError(`OUTBOUND_RETENTION_DAYS must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);
  }
  return days;
}

export async function startRetention(client: Client, options: { retentionDays: number; taskQueue?: string; everyMs?: number }): Promise<string> {
  const handle = await client.workflow.start('retentionWorkflow', {
    workflowId: options.taskQueue && options.taskQueue !== TASK_QUEUE ? `${RETENTION_WORKFLOW_ID}-${options.taskQueue}` : RETENTION_WORKFLOW_ID,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [{ retentionDays: options.retentionDays, everyMs: options.everyMs }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return handle.workflowId;
}
