/**
 * `outbound preview CHANNEL GUID`: what the mapping makes of one source entry (raw values, mapped
 * values, validation messages), computed locally against the state store and the datastore.
 * It runs on the administrator's machine and prints to their terminal; fields marked `masked`
 * stay masked. The HTTP API deliberately offers no such endpoint (no personal data in responses).
 */
import { loadSettings } from '../config/settings';
import { compileChannelMapping, createRuntimeDeps, openStore } from '../app/runtime';
import { matchesExclusion } from '../domain/exclusion';
import type { MappingPreview } from '../domain/mapping/mapping-preview';

export async function previewUser(channelId: string, guid: string): Promise<{ found: boolean; excluded?: boolean; enabled?: boolean; preview?: MappingPreview }> {
  const store = await openStore(loadSettings());
  try {
    const channel = await store.getChannel(channelId);
    if (!channel) throw new Error(`no channel with id "${channelId}"`);
    const connection = await store.getConnection(channel.config.connectionId);
    const datastore = await store.getDatastore(channel.config.datastoreId);
    if (!connection || !datastore) throw new Error(`channel ${channelId} refers to a missing connection or datastore`);
    const source = createRuntimeDeps(store).openSource(channel.config, datastore);
    try {
      const entry = await source.readOne(guid);
      if (!entry) return { found: false };
      const mapping = compileChannelMapping(channel.config, connection);
      return { found: true, excluded: matchesExclusion(entry, channel.config.exclusion), enabled: entry.enabled, preview: await mapping.preview(entry) };
    } finally {
      await source.close();
    }
  } finally {
    await store.close();
  }
}
