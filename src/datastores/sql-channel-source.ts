/**
 * A channel's users from a SQL table, view or SELECT (PostgreSQL, MySQL/MariaDB, SQLite), read
 * with knex in keyset-paginated pages so memory stays flat whatever the table size.
 *
 * Full reads walk the scope in GUID order. Incremental reads walk rows with
 * `updated_at >= watermark` in (updated_at, GUID) order. The `>=` is deliberate: rows that share
 * the watermark's timestamp but were committed after the previous read are picked up; the few
 * rows at exactly the watermark are read again, which the engine's hash comparison makes free.
 */
import type { Knex } from 'knex';
import type { SqlDatastoreConfig } from '../domain/config/datastore-config';
import type { Exclusion, SourceLocation, SqlSourceSettings } from '../domain/config/source-settings';
import type { SecretResolver } from '../domain/secrets';
import type { SourceEntry, SourcePage } from '../domain/source-entry';
import type { ChannelSource, DatastoreCheck, ReadOptions } from './datastore';
import { SqlDatastoreError } from './sql-datastore-error';
import { classifySqlError } from './sql-error-classifier';
import { createSqlKnex, sqlDialect } from './sql-knex-factory';
import { mapSqlRow, ROLE } from './sql-row-mapper';
import { planSqlSource, type SqlSourcePlan } from './sql-source-plan';
import { SqlSourceQuery, type PageCursor } from './sql-source-query';
import { cursorBinding, guidToBytes } from './sql-values';
import { isWellFormedWatermark, maxMarker, watermarkBinding } from './sql-watermark';

/** verify() counts at most this many rows in scope (and excluded). */
export const VERIFY_COUNT_CAP = 100_000;

type Row = Record<string, unknown>;

interface StatementContext {
  /** Setting blamed for SQL faults in this statement. */
  setting: string;
  /** True when the statement binds no value (driver messages are then safe to quote). */
  valueFree: boolean;
}

class SqlChannelSource implements ChannelSource {
  private plan?: SqlSourcePlan;
  private knex?: Promise<Knex>;
  /** Learnt from the first GUID seen: binary(16)/bytea GUIDs are bound as bytes in readOne. */
  private guidIsBinary?: boolean;

  constructor(
    private readonly datastore: SqlDatastoreConfig,
    private readonly channel: { source: SqlSourceSettings; location: SourceLocation; exclusion: Exclusion },
    private readonly secrets: SecretResolver,
  ) {}

  private where(): string {
    if (this.datastore.client === 'better-sqlite3') return this.datastore.filename ?? '(no file)';
    return `${this.datastore.host ?? '(no host)'}:${this.datastore.port ?? (sqlDialect(this.datastore).defaultPort ?? '')}`;
  }

  private getPlan(): SqlSourcePlan {
    this.plan ??= planSqlSource(sqlDialect(this.datastore), this.channel);
    return this.plan;
  }

  private async db(): Promise<Knex> {
    this.knex ??= (async () => {
      let password: string | undefined;
      if (this.datastore.password !== undefined) {
        try {
          password = await this.secrets.resolve(this.datastore.password, { owner: `datastore:${this.datastore.id}`, field: 'password' });
        } catch (err) {
          throw new SqlDatastoreError('datastore.password', `the password secret cannot be resolved: ${(err as Error).message}`, false, { cause: err });
        }
      }
      return createSqlKnex(this.datastore, password);
    })();
    try {
      return await this.knex;
    } catch (err) {
      this.knex = undefined; // a later call may succeed once the secret is there
      throw err;
    }
  }

  private async query(): Promise<SqlSourceQuery> {
    const plan = this.getPlan();
    return new SqlSourceQuery(await this.db(), plan);
  }

  /** Runs one statement; any failure becomes a SqlDatastoreError naming a setting. */
  private async run(builder: Knex.QueryBuilder, ctx: StatementContext): Promise<Row[]> {
    let sql: string | undefined;
    try {
      sql = builder.toSQL().toNative().sql;
      return (await builder) as Row[];
    } catch (err) {
      throw classifySqlError(err, { ...ctx, sourceSetting: this.getPlan().sourceSetting, sql, where: this.where() });
    }
  }

  async *read(options: ReadOptions): AsyncIterable<SourcePage> {
    const plan = this.getPlan();
    const q = await this.query();
    const pageSize = options.pageSize ?? this.datastore.pageSize;
    const incremental = options.mode === 'incremental' && plan.updatedAtColumn !== undefined && options.watermark !== undefined;
    if (incremental && !isWellFormedWatermark(plan.dialect.name, options.watermark!)) {
      throw new SqlDatastoreError('channel.source.updatedAtColumn', 'the stored watermark is not a value this column produced; run a full read to reset it');
    }
    const since = incremental ? watermarkBinding(plan.dialect.name, options.watermark!) : undefined;
    let watermark = incremental ? options.watermark : undefined;
    let after: PageCursor | undefined;
    let yielded = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = await this.run(q.page({ order: incremental ? 'marker' : 'guid', since, after, limit: pageSize }), {
        setting: plan.sourceSetting,
        valueFree: false,
      });
      if (rows.length === 0) break;
      const entries: SourceEntry[] = [];
      for (const row of rows) {
        const entry = mapSqlRow(row, plan.mapping);
        if (!entry) continue;
        entries.push(entry);
        watermark = maxMarker(watermark, entry.changeMarker);
      }
      const last = rows[rows.length - 1];
      this.guidIsBinary ??= last[ROLE.guid] instanceof Uint8Array;
      after = { guid: cursorBinding(last[ROLE.guid]), marker: cursorBinding(last[ROLE.marker]) };
      yield { entries, watermark };
      yielded = true;
      if (rows.length < pageSize) break;
    }
    // Always report the watermark, so a cycle that saw no change keeps it.
    if (!yielded) yield { entries: [], watermark };
  }

  async readOne(guid: string): Promise<SourceEntry | undefined> {
    const plan = this.getPlan();
    const q = await this.query();
    if (this.guidIsBinary === undefined) {
      const sample = await this.run(q.sampleGuid(), { setting: plan.sourceSetting, valueFree: true });
      if (sample.length === 0) return undefined;
      this.guidIsBinary = sample[0][ROLE.guid] instanceof Uint8Array;
    }
    const binding = this.guidIsBinary ? guidToBytes(guid) : guid;
    if (binding === undefined) return undefined;
    let rows: Row[];
    try {
      rows = await this.run(q.one(binding), { setting: plan.sourceSetting, valueFree: false });
    } catch (err) {
      // A text that is not a valid value of the GUID column's type (PostgreSQL 22P02) matches nothing.
      if (err instanceof SqlDatastoreError && (err.cause as { code?: string } | undefined)?.code === '22P02') return undefined;
      throw err;
    }
    const entry = rows.length > 0 ? mapSqlRow(rows[0], plan.mapping) : undefined;
    // MySQL compares '12abc' = 12 as numbers: only an exact (case-insensitive) GUID match counts.
    return entry && entry.guid.toLowerCase() === guid.toLowerCase() ? entry : undefined;
  }

  async verify(): Promise<DatastoreCheck> {
    try {
      const plan = this.getPlan();
      const q = await this.query();
      const knex = await this.db();
      await this.run(knex.select(knex.raw('1 AS ok')) as Knex.QueryBuilder, { setting: 'datastore.host', valueFree: true });
      await this.run(q.probe(), { setting: plan.sourceSetting, valueFree: true });
      const columns: Array<[string | undefined, string]> = [
        [plan.guidColumn, 'channel.source.guidColumn'],
        [plan.statusColumn, 'channel.source.statusColumn'],
        [plan.updatedAtColumn, 'channel.source.updatedAtColumn'],
        [plan.exclusionAttributeColumn, 'channel.exclusion.attribute.name'],
      ];
      for (const [column, setting] of columns) {
        if (column !== undefined) await this.run(q.probe(column), { setting, valueFree: true });
      }
      if (plan.filter !== undefined) await this.run(q.probeCondition(plan.filter), { setting: 'channel.location.filter', valueFree: true });
      if (plan.exclusionFilter !== undefined) await this.run(q.probeCondition(plan.exclusionFilter), { setting: 'channel.exclusion.filter', valueFree: true });
      const inScope = await this.run(q.countInScope(VERIFY_COUNT_CAP), { setting: 'channel.location.filter', valueFree: true });
      const excludedQuery = q.countExcluded(VERIFY_COUNT_CAP);
      const excluded = excludedQuery ? await this.run(excludedQuery, { setting: 'channel.exclusion', valueFree: false }) : undefined;
      const sample = Number(inScope[0]?.n ?? 0);
      const check: DatastoreCheck = { ok: true, sample, message: `${sample >= VERIFY_COUNT_CAP ? `at least ${VERIFY_COUNT_CAP}` : sample} entries in scope` };
      if (excluded) check.excluded = Number(excluded[0]?.n ?? 0);
      return check;
    } catch (err) {
      const failure = err instanceof SqlDatastoreError ? err : classifySqlError(err, { setting: 'datastore', sourceSetting: 'channel.source.table', valueFree: false, where: this.where() });
      return { ok: false, setting: failure.setting, message: failure.detail };
    }
  }

  async close(): Promise<void> {
    const pending = this.knex;
    this.knex = undefined;
    if (!pending) return;
    const knex = await pending.catch(() => undefined);
    await knex?.destroy();
  }
}

/** A ChannelSource over a SQL datastore. Nothing connects until the first read or verify. */
export function createSqlChannelSource(
  datastore: SqlDatastoreConfig,
  channel: { source: SqlSourceSettings; location: SourceLocation; exclusion: Exclusion },
  secrets: SecretResolver,
): ChannelSource {
  return new SqlChannelSource(datastore, channel, secrets);
}
