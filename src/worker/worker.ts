import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ActivityDeps } from '../activities/activity-deps';
import { toActivityFailure } from '../activities/failure-boundary';
import { createProvisioningActivities } from '../activities/provisioning-activities';
import { TASK_QUEUE } from '../workflows/workflow-ids';

export interface OutboundWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  deps: ActivityDeps;
  dataConverter?: DataConverter;
  /** Pre-built bundle (production); otherwise workflows are bundled from source at start. */
  workflowBundlePath?: string;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

/** The one worker that runs every Outbound workflow and activity. */
export async function createOutboundWorker(options: OutboundWorkerOptions): Promise<{ worker: Worker; closeResources: () => Promise<void> }> {
  const activities = createProvisioningActivities(options.deps);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities,
    // One error boundary: domain and adapter errors become typed failures, retryable or not.
    interceptors: { activity: [() => ({ inbound: { execute: (input, next) => next(input).catch((err: unknown) => Promise.reject(toActivityFailure(err))) } })] },
    dataConverter: options.dataConverter,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: require.resolve('../workflows/index') }),
    // Plan and apply activities are few and long (batches), so a small number suffices; each
    // applies its users concurrently with the channel's max threads.
    maxConcurrentActivityTaskExecutions: 16,
    ...options.tuning,
  });
  return { worker, closeResources: () => activities.closeResources() };
}
