/**
 * User Provisioning Service v4 (`/profile/v4`): asynchronous bulk writes of Spend and
 * Travel extensions. Submitting and polling are separate steps so the engine can wait between
 * polls on durable timers; `provisionAndWait` is the loop for callers that can simply block.
 */
import { BLOCKING_PROVISION_POLL, nextPollDelay, type PollOptions } from '../../domain/schedules';
import { ConcurTransientError } from './concur-errors';
import type { ConcurHttpClient } from './concur-http-client';
import { parseProvisionStatus, type ProvisionStatus } from './provision-status';
import { bulkBody, splitBulkOperations } from './ups-bulk-splitter';
import type { BulkOperation } from './ups-operation-builder';

export const UPS_BASE = '/profile/v4';

export interface SubmittedProvision {
  /** Provision id for getProvisionStatus. */
  id: string;
  /** Concur's status URL (meta.location), for humans and support. */
  statusUrl?: string;
  /** bulkIds of the operations in this request. */
  bulkIds: string[];
}

export class ProvisionTimeoutError extends ConcurTransientError {
  constructor(readonly provisionIds: string[]) {
    super('PROVISION_TIMEOUT', `UPS provision(s) ${provisionIds.join(', ')} did not complete in time`);
    this.name = 'ProvisionTimeoutError';
  }
}

export class ConcurUpsClient {
  constructor(
    private readonly http: ConcurHttpClient,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends the operations as one or more `POST /Bulk` requests (≤100 ops, ≤400 KB each). */
  async submitBulk(operations: BulkOperation[]): Promise<SubmittedProvision[]> {
    const submitted: SubmittedProvision[] = [];
    for (const chunk of splitBulkOperations(operations)) {
      const res = await this.http.send({
        operation: 'ups.bulk',
        method: 'POST',
        path: `${UPS_BASE}/Bulk`,
        body: bulkBody(chunk),
        // PATCH/PUT/DELETE replay to the same end state; a POST (create) could duplicate.
        idempotent: chunk.every((op) => op.method !== 'POST'),
      });
      const body = (res.body ?? {}) as { id?: string; meta?: { location?: string } };
      const id = body.id ?? idFromLocation(body.meta?.location ?? headerString(res.headers.location));
      if (!id) throw new ConcurTransientError('UPS_NO_PROVISION_ID', `UPS accepted a bulk request (HTTP ${res.status}) without a provision id`, { status: res.status });
      submitted.push({ id, statusUrl: body.meta?.location, bulkIds: chunk.map((op) => op.bulkId ?? '') });
    }
    return submitted;
  }

  /** One status read, every page of operations included. */
  async getProvisionStatus(id: string): Promise<ProvisionStatus> {
    const pageSize = 100;
    let status: ProvisionStatus | undefined;
    for (let startIndex = 1; ; startIndex += pageSize) {
      const res = await this.http.send({
        operation: 'ups.provisionStatus',
        method: 'GET',
        path: `${UPS_BASE}/provisions/${encodeURIComponent(id)}/status`,
        query: { attributes: 'operations', startIndex, count: pageSize },
        idempotent: true,
        logFields: { provisionId: id },
      });
      const page = parseProvisionStatus(res.body);
      if (!status) status = page;
      else status = { ...status, operations: [...status.operations, ...page.operations] };
      const done = page.operations.length < pageSize || status.operations.length >= status.counts.total;
      if (done) return { ...status, complete: status.operations.length >= status.counts.total };
    }
  }

  /** Submit, then poll every provision until complete (or `timeoutMs`), backing off from 5 s. */
  async provisionAndWait(operations: BulkOperation[], options: Partial<PollOptions> = {}): Promise<ProvisionStatus[]> {
    const poll = { ...BLOCKING_PROVISION_POLL, ...options };
    const submitted = await this.submitBulk(operations);
    return this.waitFor(
      submitted.map((s) => s.id),
      poll,
    );
  }

  async waitFor(ids: string[], options: Partial<PollOptions> = {}): Promise<ProvisionStatus[]> {
    const poll = { ...BLOCKING_PROVISION_POLL, ...options };
    const deadline = this.now() + poll.timeoutMs;
    const results = new Map<string, ProvisionStatus>();
    for (let n = 1; results.size < ids.length; n++) {
      const delay = nextPollDelay(n, poll);
      if (this.now() + delay > deadline) throw new ProvisionTimeoutError(ids.filter((id) => !results.has(id)));
      await this.sleep(delay);
      for (const id of ids) {
        if (results.has(id)) continue;
        const status = await this.getProvisionStatus(id);
        if (status.completed) results.set(id, status);
      }
    }
    return ids.map((id) => results.get(id)!);
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function idFromLocation(location: string | undefined): string | undefined {
  return location ? /\/provisions\/([^/]+)\/status/.exec(location)?.[1] : undefined;
}
