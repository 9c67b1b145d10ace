/** The engine's UserTarget port over the Concur connector; failures become TargetErrors. */
import type { ConnectionConfig } from '../../domain/config/connection-config';
import type { DesiredConcurUser } from '../../domain/concur-user';
import { TargetError, type ExtensionWriter, type LookedUpUser, type TargetUser, type UserTarget, type WriteOptions } from '../user-target';
import { identityDrift } from './concur-drift';
import { extensionBulkOperation, hasExtensionWork, type BulkOperation } from './ups-operation-builder';
import type { ConcurConnector } from './concur-connector';
import { createConcurConnector, type ConcurConnectorDeps } from './concur-connector-factory';
import { operationOutcomes } from './provision-status';
import { ConcurTransientError, toTargetError } from './concur-errors';

async function translate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof TargetError ? err : toTargetError(err);
  }
}

export class ConcurUserTarget implements UserTarget {
  constructor(readonly connector: ConcurConnector) {}

  verify(): Promise<{ ok: true } | { ok: false; reason: string; message: string }> {
    return this.connector.verifyCredentials();
  }

  create(desired: DesiredConcurUser, lookedUp?: LookedUpUser, options: WriteOptions = {}): Promise<{ id: string; linked: boolean }> {
    return translate(async () => {
      const result = await this.connector.ensureUser(desired, { ...options, lookedUp });
      return { id: result.id, linked: result.outcome === 'linked' };
    });
  }

  findExisting(desired: DesiredConcurUser[], options: Pick<WriteOptions, 'linkByUserName'> = {}): Promise<LookedUpUser[]> {
    return translate(() => this.connector.findExisting(desired, options));
  }

  update(id: string, desired: DesiredConcurUser, options: WriteOptions = {}): Promise<void> {
    return translate(() => this.connector.updateUser(id, desired, options));
  }

  disable(id: string, at: Date): Promise<void> {
    return translate(() => this.connector.disableUser(id, at));
  }

  reactivate(id: string, desired: DesiredConcurUser, options: WriteOptions = {}): Promise<void> {
    return translate(() => this.connector.reactivateUser(id, desired, options));
  }

  /** Spend/Travel through UPS: one Bulk request per 100 operations, results by bulkId (= ref). */
  readonly extensions: ExtensionWriter = {
    has: (desired, mode) => hasExtensionWork(desired, mode),
    submit: (items) =>
      translate(async () => {
        const ops = items
          .map((i) => extensionBulkOperation(i.id, i.desired, i.mode, i.ref))
          .filter((op): op is BulkOperation => Boolean(op));
        if (ops.length === 0) return [];
        return (await this.connector.ups.submitBulk(ops)).map((p) => p.id);
      }),
    check: (provisionId) =>
      translate(async () => {
        const status = await this.connector.ups.getProvisionStatus(provisionId);
        if (!status.completed) return { done: false, outcomes: [] };
        const outcomes = operationOutcomes(status).map((o) =>
          o.ok ? { ref: o.bulkId ?? '', ok: true } : { ref: o.bulkId ?? '', ok: false, transient: o.error instanceof ConcurTransientError, message: o.error.message },
        );
        return { done: true, outcomes };
      }),
  };

  /** Identity v4.1 search with cursor paging, 1000 users a page (Concur's maximum). */
  async *listAll(): AsyncIterable<TargetUser[]> {
    let cursor: string | undefined;
    do {
      const page = await translate(() => this.connector.identity.search(undefined, { count: 1000, cursor }));
      yield page.users.map((u) => ({ id: u.id, resource: u }));
      cursor = page.nextCursor;
    } while (cursor);
  }

  drift(desired: DesiredConcurUser, actual: TargetUser): string[] {
    return identityDrift(desired, actual.resource);
  }

  remove(id: string): Promise<void> {
    return translate(() => this.connector.identity.deleteUser(id));
  }

  close(): Promise<void> {
    return this.connector.close();
  }
}

/** What `ActivityDeps.openTarget` can return for a Concur connection. */
export function createConcurUserTarget(connection: ConnectionConfig, deps: ConcurConnectorDeps): UserTarget {
  return new ConcurUserTarget(createConcurConnector(connection, deps));
}
