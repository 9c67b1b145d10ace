import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { SqlDatastoreConfig } from '../../../src/domain/config/datastore-config';
import { Exclusion, SourceLocation, SqlSourceSettings } from '../../../src/domain/config/source-settings';
import type { SecretResolver } from '../../../src/domain/secrets';
import type { SourceEntry, SourcePage } from '../../../src/domain/source-entry';
import type { ChannelSource, ReadOptions } from '../../../src/datastores/datastore';
import { createSqlChannelSource } from '../../../src/datastores/sql-channel-source';

/** One database server (or file) the contract runs against, with a writable admin connection. */
export interface SqlFixture {
  client: 'pg' | 'mysql2' | 'better-sqlite3';
  /** Writable connection used to create and change test tables. */
  admin: Knex;
  /** Datastore settings for the source under test. */
  datastore: Record<string, unknown>;
  /** A unique (qualified) table name for one test. */
  table(base: string): string;
  /** Creates a table named by table() (knex's schema builder needs the schema apart). */
  createTable(table: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void>;
  /** Column type holding microsecond timestamps. */
  timestampType: string;
  /** Column type for a 16-byte binary GUID. */
  binaryType: string;
  /** An ISO instant as the value to insert into a timestampType column. */
  timestamp(iso: string): unknown;
  /** The watermark/changeMarker the datastore reports for that instant. */
  marker(iso: string): string;
  cleanup(): Promise<void>;
}

export const suffix = () => randomBytes(4).toString('hex');

/** Literal-only resolver; the real one reads env: and file: references. */
export const secrets: SecretResolver = { resolve: async (ref) => ref };

export interface ChannelInput {
  source: Partial<SqlSourceSettings> & { guidColumn: string };
  filter?: string;
  exclusion?: Partial<Exclusion>;
}

export function sourceFor(fixture: SqlFixture, channel: ChannelInput, datastore: Record<string, unknown> = {}): ChannelSource {
  const ds = SqlDatastoreConfig.parse({ id: 'hr', type: 'sql', ...fixture.datastore, ...datastore });
  return createSqlChannelSource(
    ds,
    {
      source: SqlSourceSettings.parse({ kind: 'sql', ...channel.source }),
      // Parsing applies the schema's (LDAP) default filter when none is given, as in real configs.
      location: SourceLocation.parse(channel.filter === undefined ? {} : { filter: channel.filter }),
      exclusion: Exclusion.parse(channel.exclusion ?? {}),
    },
    secrets,
  );
}

export async function readAll(source: ChannelSource, options: ReadOptions): Promise<{ pages: SourcePage[]; entries: SourceEntry[]; watermark?: string }> {
  const pages: SourcePage[] = [];
  for await (const page of source.read(options)) pages.push(page);
  const entries = pages.flatMap((p) => p.entries);
  return { pages, entries, watermark: pages.at(-1)?.watermark };
}

/** Inserts rows in chunks (SQLite and MySQL limit the parameters per statement). */
export async function insertRows(admin: Knex, table: string, rows: Array<Record<string, unknown>>, chunk = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await admin(table).insert(rows.slice(i, i + chunk));
}
