/**
 * What people and scripts can do to a channel, over Temporal: the API's routes call this.
 * Workflow ids come from the builders beside the workflows.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  approveSignal,
  cycleProgressQuery,
  pauseSignal,
  rejectSignal,
  resetUpdate,
  resumeSignal,
  statusQuery,
  stopSignal,
  syncNowUpdate,
  type ActivationResult,
  type ChannelStatus,
  type CycleProgress,
  type OnDemandResult,
  type SyncRequest,
} from '../workflows/messages';
import { activationWorkflow } from '../workflows/activation-workflow';
import { onDemandWorkflow } from '../workflows/on-demand-workflow';
import { activationWorkflowId, channelWorkflowId, onDemandWorkflowId, TASK_QUEUE } from '../workflows/workflow-ids';
import { OutboundChannel } from '../workflows/search-attributes';

/** The channel has no running workflow (not activated, or deactivated). */
export class ChannelNotRunningError extends Error {
  constructor(
    readonly channelId: string,
    options?: { cause?: unknown },
  ) {
    super(`channel ${channelId} is not running; activate it first`, options);
    this.name = 'ChannelNotRunningError';
  }
}

export class ChannelControl {
  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
  ) {}

  private async running<T>(channelId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ChannelNotRunningError(channelId, { cause: err });
      throw err;
    }
  }

  private handle(channelId: string) {
    return this.client.workflow.getHandle(channelWorkflowId(channelId));
  }

  /**
   * Idempotent: a second activation while one is still running attaches to it (Temporal's
   * workflow-id conflict policy USE_EXISTING) and gets the same result, never an error.
   */
  async activate(channelId: string): Promise<ActivationResult> {
    const handle = await this.client.workflow.start(activationWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: activationWorkflowId(channelId),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ channelId }],
      typedSearchAttributes: [{ key: OutboundChannel, value: channelId }],
    });
    return (await handle.result()) as ActivationResult;
  }

  async deactivate(channelId: string): Promise<void> {
    await this.running(channelId, () => this.handle(channelId).signal(stopSignal));
  }

  async pause(channelId: string): Promise<void> {
    await this.running(channelId, () => this.handle(channelId).signal(pauseSignal));
  }

  async resume(channelId: string): Promise<void> {
    await this.running(channelId, () => this.handle(channelId).signal(resumeSignal));
  }

  async syncNow(channelId: string, request: SyncRequest): Promise<{ cycleNo: number; workflowId: string }> {
    return this.running(channelId, () => this.handle(channelId).executeUpdate(syncNowUpdate, { args: [request] }));
  }

  async reset(channelId: string): Promise<{ cycleNo: number; workflowId: string }> {
    return this.running(channelId, () => this.handle(channelId).executeUpdate(resetUpdate));
  }

  async approve(channelId: string, cycleNo: number, approved: boolean): Promise<void> {
    await this.running(channelId, () => this.handle(channelId).signal(approved ? approveSignal : rejectSignal, { cycleNo }));
  }

  async status(channelId: string): Promise<ChannelStatus & { progress?: CycleProgress }> {
    const status = await this.running(channelId, async () => {
      const description = await this.handle(channelId).describe();
      if (description.status.name !== 'RUNNING') throw new WorkflowNotFoundError('channel workflow is not running', channelWorkflowId(channelId), undefined);
      return this.handle(channelId).query(statusQuery);
    });
    if (!status.currentCycle) return status;
    try {
      const progress = await this.client.workflow.getHandle(status.currentCycle.workflowId).query(cycleProgressQuery);
      return { ...status, progress };
    } catch {
      return status; // the cycle finished between the two queries
    }
  }

  async waitForCycle(workflowId: string): Promise<unknown> {
    return this.client.workflow.getHandle(workflowId).result();
  }

  async provisionNow(channelId: string, guid: string, dryRun = false): Promise<OnDemandResult> {
    try {
      return await this.client.workflow.execute(onDemandWorkflow, {
        taskQueue: this.taskQueue,
        workflowId: onDemandWorkflowId(channelId, guid),
        args: [{ channelId, guid, dryRun }],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return this.client.workflow.getHandle(onDemandWorkflowId(channelId, guid)).result();
      }
      throw err;
    }
  }
}
