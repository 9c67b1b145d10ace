import type { SourcePage } from '../domain/source-entry';

export interface ReadOptions {
  /** `full` reads everything in scope; `incremental` only what changed after `watermark`. */
  mode: 'full' | 'incremental';
  watermark?: string;
  pageSize?: number;
  signal?: AbortSignal;
}

export interface DatastoreCheck {
  ok: boolean;
  /** Which setting failed, e.g. `datastore.urls`, `channel.source.filter`. */
  setting?: string;
  message?: string;
  /** Entries the filter matches (counted cheaply, may be capped), for activation reports. */
  sample?: number;
  /** Entries the exclusion rule matches; activation warns when it is 0. */
  excluded?: number;
}

/**
 * A source of users for one channel: the datastore connection plus the channel's source settings
 * and source location. Implementations stream pages; they never hold the whole source in memory.
 */
export interface ChannelSource {
  /** Streams the entries in scope, page by page. */
  read(options: ReadOptions): AsyncIterable<SourcePage>;
  /** Reads one entry by GUID (provision on demand, preview); undefined when out of scope. */
  readOne(guid: string): Promise<import('../domain/source-entry').SourceEntry | undefined>;
  /** Verifies connection, credentials and filter without changing anything. */
  verify(): Promise<DatastoreCheck>;
  close(): Promise<void>;
}
