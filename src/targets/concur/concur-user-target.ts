/** The engine's UserTarget port over the Concur connector; failures become TargetErrors. */
import type { ConnectionConfig } from '../../domain/config/connection-config';
import type { DesiredConcurUser } from '../../domain/concur-user';
import { TargetError, type UserTarget } from '../user-target';
import { createConcurConnector, type ConcurConnector, type ConcurConnectorDeps } from './concur-connector';
import { toTargetError } from './concur-errors';

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

  create(desired: DesiredConcurUser, lookedUp?: { existingId?: string }): Promise<{ id: string; linked: boolean }> {
    return translate(async () => {
      const result = await this.connector.ensureUser(desired, { lookedUp });
      return { id: result.id, linked: result.outcome === 'linked' };
    });
  }

  findExisting(desired: DesiredConcurUser[]): Promise<Array<string | undefined>> {
    return translate(() => this.connector.findExisting(desired));
  }

  update(id: string, desired: DesiredConcurUser): Promise<void> {
    return translate(() => this.connector.updateUser(id, desired));
  }

  disable(id: string, at: Date): Promise<void> {
    return translate(() => this.connector.disableUser(id, at));
  }

  reactivate(id: string, desired: DesiredConcurUser): Promise<void> {
    return translate(() => this.connector.reactivateUser(id, desired));
  }

  remove(id: string): Promise<void> {
    return translate(() => this.connector.deleteUser(id));
  }

  close(): Promise<void> {
    return this.connector.close();
  }
}

/** What `ActivityDeps.openTarget` can return for a Concur connection. */
export function createConcurUserTarget(connection: ConnectionConfig, deps: ConcurConnectorDeps): UserTarget {
  return new ConcurUserTarget(createConcurConnector(connection, deps));
}
