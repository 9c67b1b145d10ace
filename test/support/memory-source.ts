import type { ChannelSource, DatastoreCheck, ReadOptions } from '../../src/datastores/datastore';
import type { SourceEntry, SourcePage } from '../../src/domain/source-entry';
import { distinctiveValues } from './leak-manifest';

/**
 * An in-memory directory for engine tests that need exact control over what changes when.
 * Every write bumps a change counter, so incremental reads behave like modifyTimestamp ones.
 */
export class MemoryDirectory {
  private readonly entries = new Map<string, SourceEntry & { changed: number }>();
  private clock = 0;
  reads: Array<{ mode: string; watermark?: string }> = [];
  /** Every distinctive attribute value ever put, for the leak scan after the suites. */
  readonly everPut = new Set<string>();
  failNextReads = 0;
  /** When set, every read throws it (e.g. a DatastoreError naming a setting). */
  readError?: Error;

  put(entry: SourceEntry): void {
    for (const v of distinctiveValues(entry.attributes)) this.everPut.add(v);
    this.entries.set(entry.guid, { ...entry, attributes: { ...entry.attributes }, changed: ++this.clock });
  }

  update(guid: string, change: Partial<Pick<SourceEntry, 'enabled'>> & { attributes?: Record<string, string[] | undefined> }): void {
    const e = this.entries.get(guid);
    if (!e) throw new Error(`no entry ${guid}`);
    const attributes = { ...e.attributes };
    for (const [k, v] of Object.entries(change.attributes ?? {})) {
      if (v === undefined) delete attributes[k];
      else attributes[k] = v;
    }
    this.put({ ...e, attributes, enabled: change.enabled ?? e.enabled });
  }

  remove(guid: string): void {
    this.entries.delete(guid);
  }

  get size(): number {
    return this.entries.size;
  }

  source(pageSize = 100): ChannelSource {
    return {
      read: (options: ReadOptions) => this.read(options, pageSize),
      readOne: async (guid) => {
        const e = this.entries.get(guid);
        return e ? strip(e) : undefined;
      },
      verify: async (): Promise<DatastoreCheck> => ({ ok: true, sample: this.entries.size, excluded: [...this.entries.values()].filter((e) => e.excluded).length }),
      close: async () => undefined,
    };
  }

  private async *read(options: ReadOptions, pageSize: number): AsyncIterable<SourcePage> {
    this.reads.push({ mode: options.mode, watermark: options.watermark });
    if (this.readError) throw this.readError;
    if (this.failNextReads > 0) {
      this.failNextReads--;
      throw new Error('directory unavailable');
    }
    const since = options.mode === 'incremental' && options.watermark ? Number(options.watermark) : -1;
    const all = [...this.entries.values()].filter((e) => e.changed > since).sort((a, b) => a.changed - b.changed);
    let highest = since;
    for (let i = 0; i < all.length; i += pageSize) {
      const page = all.slice(i, i + pageSize);
      highest = Math.max(highest, ...page.map((e) => e.changed));
      yield { entries: page.map(strip), watermark: String(highest) };
    }
  }
}

function strip(e: SourceEntry & { changed: number }): SourceEntry {
  const { changed, ...entry } = e;
  return { ...entry, changeMarker: String(changed) };
}

/** A realistic person entry. */
export function person(n: number, extra: Partial<SourceEntry> = {}): SourceEntry {
  const id = String(n).padStart(5, '0');
  return {
    guid: `00000000-0000-4000-8000-0000000${id}`,
    dn: `uid=user${id},ou=people,dc=example,dc=com`,
    enabled: true,
    attributes: {
      uid: [`user${id}`],
      givenName: ['Zoë'],
      sn: [`O'Brien-${id}`],
      mail: [`user${id}@example.com`],
      employeeNumber: [`E${id}`],
      title: ['Engineer'],
    },
    ...extra,
  };
}
