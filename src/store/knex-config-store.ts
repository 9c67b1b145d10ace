import { KnexStoreBase } from './knex-store-base';
import type { Knex } from 'knex';
import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import { connectionSecretFields, datastoreSecretFields, type SecretField } from './config-secret-fields';
import { parseJson, toNumber } from './row-values';
import { parseSecretRef, vaultRef } from './secret-reference';
import type { WriteCondition } from './state-store';
import { StorePreconditionError } from './store-errors';

/** Configuration (datastores, connections, channel versions and drafts) and the secret vault. */
export class KnexConfigStore extends KnexStoreBase {
  putDatastore(config: DatastoreConfig, condition: WriteCondition<DatastoreConfig> = {}): Promise<void> {
    return this.putSecretHolder('datastores', config, condition, datastoreSecretFields, { type: config.type });
  }

  putConnection(config: ConnectionConfig, condition: WriteCondition<ConnectionConfig> = {}): Promise<void> {
    return this.putSecretHolder('connections', config, condition, connectionSecretFields, {}, async (trx, previous, stored) => {
      // Tokens (and the geolocation they route to) belong to the old host or credentials.
      if (previous && connectionTokensStale(previous, stored)) await trx('oauth_tokens').where({ connection_id: config.id }).delete();
    });
  }

  async getDatastore(id: string): Promise<DatastoreConfig | undefined> {
    return this.readConfig<DatastoreConfig>(this.db, 'datastores', id);
  }

  async listDatastores(): Promise<DatastoreConfig[]> {
    const rows = (await this.db('datastores').select('config').orderBy('id')) as Array<{ config: string }>;
    return rows.map((r) => parseJson<DatastoreConfig>(r.config));
  }

  async getConnection(id: string): Promise<ConnectionConfig | undefined> {
    return this.readConfig<ConnectionConfig>(this.db, 'connections', id);
  }

  async listConnections(): Promise<ConnectionConfig[]> {
    const rows = (await this.db('connections').select('config').orderBy('id')) as Array<{ config: string }>;
    return rows.map((r) => parseJson<ConnectionConfig>(r.config));
  }

  async putChannel(config: ChannelConfig, condition: WriteCondition<ChannelConfig> = {}): Promise<number> {
    return this.db.transaction(async (trx) => {
      if (condition.expect || condition.create) await this.checkChannel(trx, config.id, condition);
      const now = new Date();
      const insert = trx('channels').insert({ id: config.id, current_version: 1, created_at: now, updated_at: now });
      await (condition.create
        ? createOnly(insert, 'channel', config.id)
        : insert.onConflict('id').merge({ current_version: trx.raw('?? + 1', ['channels.current_version']), updated_at: now }));
      const row = (await trx('channels').where({ id: config.id }).first('current_version')) as { current_version: number };
      const version = toNumber(row.current_version);
      await trx('channel_versions').insert({ channel_id: config.id, version, config: JSON.stringify(config), created_at: now });
      return version;
    });
  }

  async getChannel(id: string): Promise<{ config: ChannelConfig; version: number } | undefined> {
    const row = await this.channelVersions().where('c.id', id).first();
    return row ? channelFromRow(row) : undefined;
  }

  async listChannels(): Promise<Array<{ config: ChannelConfig; version: number }>> {
    const rows = await this.channelVersions().orderBy('c.id');
    return rows.map(channelFromRow);
  }

  /** Any stored version of a channel's config (history; additive to StateStore). */
  async getChannelVersion(id: string, version: number): Promise<ChannelConfig | undefined> {
    const row = (await this.db('channel_versions').where({ channel_id: id, version }).first('config')) as { config: string } | undefined;
    return row ? parseJson<ChannelConfig>(row.config) : undefined;
  }

  async putChannelDraft(id: string, draft: unknown): Promise<void> {
    const now = new Date();
    await this.db('channel_drafts')
      .insert({ channel_id: id, draft: JSON.stringify(draft ?? null), updated_at: now })
      .onConflict('channel_id')
      .merge(['draft', 'updated_at']);
  }

  async getChannelDraft(id: string): Promise<unknown | undefined> {
    const row = (await this.db('channel_drafts').where({ channel_id: id }).first('draft')) as { draft: string } | undefined;
    return row ? parseJson<unknown>(row.draft) : undefined;
  }

  async deleteChannelDraft(id: string): Promise<void> {
    await this.db('channel_drafts').where({ channel_id: id }).delete();
  }

  /**
   * Removes the channel's configuration (all versions) and draft. Provisioner state and audit stay:
   * the users still exist in Concur, and a channel recreated under the same id finds them again.
   */
  async deleteChannel(id: string, condition: WriteCondition<ChannelConfig> = {}): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (condition.expect) await this.checkChannel(trx, id, condition);
      await trx('channel_versions').where({ channel_id: id }).delete();
      await trx('channels').where({ id }).delete();
      await trx('channel_drafts').where({ channel_id: id }).delete();
    });
  }

  /** Removes a datastore and its vaulted secrets (the API refuses while a channel references it). */
  async deleteDatastore(id: string, condition: WriteCondition<DatastoreConfig> = {}): Promise<void> {
    await this.db.transaction(async (trx) => {
      await lockRow(trx, 'datastores', id);
      checkCondition(condition, await this.readConfig<DatastoreConfig>(trx, 'datastores', id), 'datastore', id);
      await trx('datastores').where({ id }).delete();
      await this.vault.pruneOwner(`datastore:${id}`, [], trx);
    });
  }

  /** Removes a connection, its vaulted secrets and its cached OAuth token. */
  async deleteConnection(id: string, condition: WriteCondition<ConnectionConfig> = {}): Promise<void> {
    await this.db.transaction(async (trx) => {
      await lockRow(trx, 'connections', id);
      checkCondition(condition, await this.readConfig<ConnectionConfig>(trx, 'connections', id), 'connection', id);
      await trx('connections').where({ id }).delete();
      await trx('oauth_tokens').where({ connection_id: id }).delete();
      await this.vault.pruneOwner(`connection:${id}`, [], trx);
    });
  }

  /** Decrypted value of `vault:<id>`; for the secret resolver only, never for output. */
  async readSecret(id: string): Promise<string> {
    return this.vault.read(id);
  }

  /** Who a vault id belongs to (`datastore:<id>`, `connection:<id>`): the resolver's confinement. */
  async secretOwner(id: string): Promise<string | undefined> {
    return this.vault.owner(id);
  }

  /**
   * Stores a datastore or a connection: its literal secrets move to the vault (in place), and
   * vault entries the previous version used and this one does not are pruned, in one transaction.
   */
  private async putSecretHolder<T extends { id: string }>(
    table: 'datastores' | 'connections',
    config: T,
    condition: WriteCondition<T>,
    secretFields: (config: T) => SecretField[],
    columns: Record<string, unknown>,
    afterWrite?: (trx: Knex.Transaction, previous: T | undefined, stored: T) => Promise<void>,
  ): Promise<void> {
    const stored = structuredClone(config);
    const kind = table === 'datastores' ? 'datastore' : 'connection';
    const owner = `${kind}:${config.id}`;
    await this.db.transaction(async (trx) => {
      await lockRow(trx, table, config.id);
      const previous = await this.readConfig<T>(trx, table, config.id);
      checkCondition(condition, previous, kind, config.id);
      const keep = await this.vaultLiterals(trx, owner, secretFields(stored), previous ? secretFields(previous) : []);
      const now = new Date();
      const insert = trx(table).insert({ id: config.id, ...columns, config: JSON.stringify(stored), created_at: now, updated_at: now });
      await (condition.create ? createOnly(insert, kind, config.id) : insert.onConflict('id').merge([...Object.keys(columns), 'config', 'updated_at']));
      await this.vault.pruneOwner(owner, keep, trx);
      await afterWrite?.(trx, previous, stored);
    });
  }

  private async readConfig<T>(db: Knex, table: 'datastores' | 'connections', id: string): Promise<T | undefined> {
    const row = (await db(table).where({ id }).first('config')) as { config: string } | undefined;
    return row ? parseJson<T>(row.config) : undefined;
  }

  /**
   * Replaces literal secrets by vault references (in place) and returns the vault ids the config
   * now uses. A literal equal to what the previous version's vault entry holds keeps that entry,
   * so re-applying the same configuration file changes nothing.
   */
  private async vaultLiterals(trx: Knex.Transaction, owner: string, fields: SecretField[], previous: SecretField[]): Promise<string[]> {
    const keep: string[] = [];
    for (const field of fields) {
      const value = field.get();
      if (value === undefined) continue;
      const parsed = parseSecretRef(value);
      if (parsed.kind === 'vault') keep.push(parsed.id);
      if (parsed.kind !== 'literal') continue;
      const before = previous.find((p) => p.name === field.name)?.get();
      const beforeRef = before === undefined ? undefined : parseSecretRef(before);
      if (beforeRef?.kind === 'vault' && (await this.vault.tryRead(beforeRef.id, trx)) === value) {
        field.set(vaultRef(beforeRef.id));
        keep.push(beforeRef.id);
        continue;
      }
      const id = await this.vault.put(value, owner, trx);
      field.set(vaultRef(id));
      keep.push(id);
    }
    return keep;
  }

  /** Locks the channel row and checks the caller's precondition against its current version. */
  private async checkChannel(trx: Knex.Transaction, id: string, condition: WriteCondition<ChannelConfig>): Promise<void> {
    await lockRow(trx, 'channels', id);
    const row = await this.channelVersions(trx).where('c.id', id).first();
    checkCondition(condition, row ? channelFromRow(row).config : undefined, 'channel', id);
  }

  private channelVersions(db: Knex = this.db): Knex.QueryBuilder {
    return db({ c: 'channels' })
      .join({ v: 'channel_versions' }, function () {
        this.on('v.channel_id', '=', 'c.id').andOn('v.version', '=', 'c.current_version');
      })
      .select('v.config', 'v.version');
  }
}

/**
 * A no-op write on the config row before reading it: PostgreSQL locks the row, so two concurrent
 * puts of one config cannot prune each other's vault entries; SQLite takes its write lock now,
 * rather than failing to upgrade a read snapshot that another process's commit made stale.
 */
async function lockRow(trx: Knex.Transaction, table: 'datastores' | 'connections' | 'channels', id: string): Promise<void> {
  await trx(table).where({ id }).update({ updated_at: trx.ref('updated_at') });
}

function checkCondition<T>(condition: WriteCondition<T>, current: T | undefined, kind: string, id: string): void {
  if (condition.create && current !== undefined) throw new StorePreconditionError(kind, id);
  if (condition.expect && !condition.expect(current)) throw new StorePreconditionError(kind, id);
}

/** A plain insert: a row another transaction created first (primary key taken) loses the create. */
async function createOnly(insert: Knex.QueryBuilder, kind: string, id: string): Promise<void> {
  try {
    await insert;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '23505' || /^SQLITE_CONSTRAINT/.test(e.code ?? '')) throw new StorePreconditionError(kind, id);
    throw err;
  }
}

function channelFromRow(row: { config: string; version: number | string }): { config: ChannelConfig; version: number } {
  return { config: parseJson<ChannelConfig>(row.config), version: toNumber(row.version) };
}

/**
 * Whether a connection's stored OAuth tokens no longer fit it: another baseUrl, auth type, client
 * id or credential. Secrets compare by reference: an unchanged literal keeps its vault id.
 */
export function connectionTokensStale(previous: ConnectionConfig, next: ConnectionConfig): boolean {
  return previous.baseUrl !== next.baseUrl || JSON.stringify(previous.auth) !== JSON.stringify(next.auth);
}
