import type { OutboundConfig } from '../domain/config/outbound-config';
import type { StateStore } from '../store/state-store';

export interface ApplySummary {
  datastores: string[];
  connections: string[];
  channels: Array<{ id: string; version: number }>;
}

/**
 * Stores a validated configuration (configuration as code): datastores and connections first,
 * then channels, each channel as a new config version. Literal secrets go to the vault.
 */
export async function applyConfig(store: StateStore, config: OutboundConfig): Promise<ApplySummary> {
  for (const d of config.datastores) await store.putDatastore(d);
  for (const c of config.connections) await store.putConnection(c);
  const channels: ApplySummary['channels'] = [];
  for (const ch of config.channels) {
    const existing = await store.getChannel(ch.id);
    // Unchanged channels keep their version, so re-applying the same file is a no-op.
    if (existing && JSON.stringify(existing.config) === JSON.stringify(ch)) channels.push({ id: ch.id, version: existing.version });
    else channels.push({ id: ch.id, version: await store.putChannel(ch) });
  }
  return { datastores: config.datastores.map((d) => d.id), connections: config.connections.map((c) => c.id), channels };
}
