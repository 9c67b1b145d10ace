import type { OutboundConfig } from '../domain/config/outbound-config';
import type { StateStore } from '../store/state-store';

export interface ApplySummary {
  datastores: string[];
  connections: string[];
  channels: Array<{ id: string; version: number }>;
  /** Objects removed because the file no longer names them (`prune`). */
  deleted: Array<{ kind: 'datastore' | 'connection' | 'channel'; id: string }>;
  /** Channels whose `active` in the file differs from their state: the caller (de)activates them. */
  toActivate: string[];
  toDeactivate: string[];
}

/**
 * Stores a validated configuration (configuration as code) in one transaction: datastores and
 * connections first, then channels, each changed channel as a new config version; with `prune`,
 * objects the file no longer names are deleted (channels first). Literal secrets go to the vault.
 * A channel's `active` is not written from the file: activation runs the checks first, so the
 * caller activates or deactivates to match after the commit.
 */
export async function applyConfig(store: StateStore, config: OutboundConfig, options: { prune?: boolean } = {}): Promise<ApplySummary> {
  return store.transaction(async (tx) => {
    const deleted: ApplySummary['deleted'] = [];
    const toActivate: string[] = [];
    const toDeactivate: string[] = [];
    for (const d of config.datastores) await tx.putDatastore(d);
    for (const c of config.connections) await tx.putConnection(c);
    const channels: ApplySummary['channels'] = [];
    for (const ch of config.channels) {
      const existing = await tx.getChannel(ch.id);
      const active = existing?.config.active ?? false;
      if (ch.active && !active) toActivate.push(ch.id);
      if (!ch.active && active) toDeactivate.push(ch.id);
      const stored = { ...ch, active };
      // Unchanged channels keep their version, so re-applying the same file is a no-op.
      if (existing && JSON.stringify(existing.config) === JSON.stringify(stored)) channels.push({ id: ch.id, version: existing.version });
      else channels.push({ id: ch.id, version: await tx.putChannel(stored) });
    }
    if (options.prune) {
      const keep = (ids: Array<{ id: string }>) => new Set(ids.map((o) => o.id));
      const [dsKeep, cnKeep, chKeep] = [keep(config.datastores), keep(config.connections), keep(config.channels)];
      for (const { config: ch } of await tx.listChannels()) {
        if (chKeep.has(ch.id)) continue;
        if (ch.active) toDeactivate.push(ch.id);
        await tx.deleteChannel(ch.id);
        deleted.push({ kind: 'channel', id: ch.id });
      }
      for (const c of await tx.listConnections()) {
        if (cnKeep.has(c.id)) continue;
        await tx.deleteConnection(c.id);
        deleted.push({ kind: 'connection', id: c.id });
      }
      for (const d of await tx.listDatastores()) {
        if (dsKeep.has(d.id)) continue;
        await tx.deleteDatastore(d.id);
        deleted.push({ kind: 'datastore', id: d.id });
      }
    }
    return { datastores: config.datastores.map((d) => d.id), connections: config.connections.map((c) => c.id), channels, deleted, toActivate, toDeactivate };
  });
}
