import type { ChannelSource } from '../datastores/datastore';
import type { UserTarget } from '../targets/user-target';
import { channelNotFound, configError } from './activity-errors';
import type { ActivityDeps, LoadedChannel, UserMapper } from './activity-deps';

interface Resources {
  key: string;
  loaded: LoadedChannel;
  target: UserTarget;
  mapper: UserMapper;
}

/**
 * Per-worker cache of what a channel needs (config, Concur client with its pool and token,
 * compiled mapping), rebuilt when the version of the channel, its connection or its datastore
 * changes. Sources are opened per use: they hold connections to the customer's directory we
 * should not keep idle.
 */
export class ChannelResources {
  private readonly cache = new Map<string, Resources>();

  constructor(private readonly deps: ActivityDeps) {}

  async load(channelId: string): Promise<LoadedChannel> {
    const found = await this.deps.store.getChannel(channelId);
    if (!found) throw channelNotFound(channelId);
    const connection = await this.deps.store.getConnection(found.config.connectionId);
    if (!connection) throw configError(`channel ${channelId}: connection ${found.config.connectionId} is not configured (channel.connectionId)`);
    const datastore = await this.deps.store.getDatastore(found.config.datastoreId);
    if (!datastore) throw configError(`channel ${channelId}: datastore ${found.config.datastoreId} is not configured (channel.datastoreId)`);
    return { channel: found.config, version: found.version, connection, datastore };
  }

  async get(channelId: string): Promise<Resources> {
    const loaded = await this.load(channelId);
    const key = resourcesKey(loaded);
    const cached = this.cache.get(channelId);
    if (cached && cached.key === key) return cached;
    if (cached) await cached.target.close().catch(() => undefined);
    let mapper: UserMapper;
    try {
      mapper = this.deps.compileMapper(loaded.channel, loaded.connection);
    } catch (err) {
      throw configError(`channel ${channelId}: mapping is invalid: ${(err as Error).message}`, err as Error);
    }
    const resources = { key, loaded, mapper, target: this.deps.openTarget(loaded.connection) };
    this.cache.set(channelId, resources);
    return resources;
  }

  openSource(loaded: LoadedChannel): ChannelSource {
    return this.deps.openSource(loaded.channel, loaded.datastore);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.cache.values()].map((r) => r.target.close().catch(() => undefined)));
    this.cache.clear();
  }
}

/**
 * The versions the cached resources were built from. Connections and datastores are versioned by
 * their stored content: a rotated secret gets a new vault id (the old row is pruned), so a cache
 * that kept the old config would read a row that no longer exists.
 */
export function resourcesKey(loaded: LoadedChannel): string {
  return JSON.stringify([loaded.version, loaded.connection, loaded.datastore]);
}
