import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import type { UserMapper } from '../domain/mapping/user-mapper';
import type { ChannelSource } from '../datastores/datastore';
import type { StateStore } from '../store/state-store';
import type { UserTarget } from '../targets/user-target';

export type { MapOutcome, UserMapper } from '../domain/mapping/user-mapper';

/** Everything activities need, injected so tests can pass fakes (jumpstart's activity factories). */
export interface ActivityDeps {
  store: StateStore;
  openSource(channel: ChannelConfig, datastore: DatastoreConfig): ChannelSource;
  openTarget(connection: ConnectionConfig): UserTarget;
  compileMapper(channel: ChannelConfig, connection: ConnectionConfig): UserMapper;
  /** Checks the mapping covers what the tenant requires; returns problems naming each field. */
  checkMapping(channel: ChannelConfig, connection: ConnectionConfig): Array<{ path: string; message: string }>;
  now?: () => Date;
}

/** A channel's configuration with its connection and datastore, loaded by id. */
export interface LoadedChannel {
  channel: ChannelConfig;
  version: number;
  connection: ConnectionConfig;
  datastore: DatastoreConfig;
}
