import type { Knex } from 'knex';
import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import { AutoAnalyze } from './auto-analyze';
import { connectionSecretFields, datastoreSecretFields, type SecretField } from './config-secret-fields';
import { CHUNK, chunks, parseJson, toNumber } from './row-values';
import type { SecretBox } from './secret-box';
import { parseSecretRef, vaultRef } from './secret-reference';
import { SecretVault } from './secret-vault';
import type {
  AuditEntry,
  AuditQuery,
  ChannelState,
  CycleCounts,
  CycleMode,
  CycleOutcome,
  CycleRecord,
  PlanItem,
  PlanOutcomeRecord,
  ProvisionedUser,
  ProvisionedUserPatch,
  StateStore,
  StoredOAuthToken,
  UserStatus,
  WriteCondition,
} from './state-store';
import { StorePreconditionError, StoreRecordNotFoundError } from './store-errors';
import {
  USER_COLUMNS,
  auditFromRow,
  auditToRow,
  cycleFromRow,
  planFromRow,
  planToRow,
  userFromRow,
  type AuditRow,
  type CycleRow,
  type PlanRow,
  type UserRow,
} from './store-rows';
import type { SecretVaultReader } from './store-secret-resolver';

/** Statuses of users Outbound manages in Concur: candidates for removal when they leave scope. */
const MANAGED: UserStatus[] = ['active', 'disabled'];

/**
 * StateStore on knex, for SQLite (better-sqlite3) and PostgreSQL. Open it with openStateStore().
 *
 * Hot paths (one page of a 100k-user cycle) cost one statement per 500 rows: chunked `whereIn`
 * reads and multi-row inserts/upserts, grouped in a transaction. Read-modify-write transactions
 * write first, so SQLite takes its write lock at once instead of failing to upgrade a read lock.
 */
export class KnexStateStore implements StateStore, SecretVaultReader {
  private readonly vault: SecretVault;
  private readonly analyze: AutoAnalyze;

  constructor(
    readonly db: Knex,
    private readonly box: SecretBox,
  ) {
    this.vault = new SecretVault(db, box);
    this.analyze = new AutoAnalyze(db, db.client.config.client === 'pg');
  }

  // configuration ---------------------------------------------------------------------------

  async putDatastore(config: DatastoreConfig, condition: WriteCondition<DatastoreConfig> = {}): Promise<void> {
    const stored = structuredClone(config);
    const owner = `datastore:${config.id}`;
    await this.db.transaction(async (trx) => {
      await lockRow(trx, 'datastores', config.id);
      const previous = await this.readConfig<DatastoreConfig>(trx, 'datastores', config.id);
      checkCondition(condition, previous, 'datastore', config.id);
      const keep = await this.vaultLiterals(trx, owner, datastoreSecretFields(stored), previous ? datastoreSecretFields(previous) : []);
      const now = new Date();
      const insert = trx('datastores').insert({ id: config.id, type: config.type, config: JSON.stringify(stored), created_at: now, updated_at: now });
      await (condition.create ? createOnly(insert, 'datastore', config.id) : insert.onConflict('id').merge(['type', 'config', 'updated_at']));
      await this.vault.pruneOwner(owner, keep, trx);
    });
  }

  async getDatastore(id: string): Promise<DatastoreConfig | undefined> {
    return this.readConfig<DatastoreConfig>(this.db, 'datastores', id);
  }

  async listDatastores(): Promise<DatastoreConfig[]> {
    const rows = (await this.db('datastores').select('config').orderBy('id')) as Array<{ config: string }>;
    return rows.map((r) => parseJson<DatastoreConfig>(r.config));
  }

  async putConnection(config: ConnectionConfig, condition: WriteCondition<ConnectionConfig> = {}): Promise<void> {
    const stored = structuredClone(config);
    const owner = `connection:${config.id}`;
    await this.db.transaction(async (trx) => {
      await lockRow(trx, 'connections', config.id);
      const previous = await this.readConfig<ConnectionConfig>(trx, 'connections', config.id);
      checkCondition(condition, previous, 'connection', config.id);
      const keep = await this.vaultLiterals(trx, owner, connectionSecretFields(stored), previous ? connectionSecretFields(previous) : []);
      const now = new Date();
      const insert = trx('connections').insert({ id: config.id, config: JSON.stringify(stored), created_at: now, updated_at: now });
      await (condition.create ? createOnly(insert, 'connection', config.id) : insert.onConflict('id').merge(['config', 'updated_at']));
      await this.vault.pruneOwner(owner, keep, trx);
      // Tokens (and the geolocation they route to) belong to the old host or credentials.
      if (previous && connectionTokensStale(previous, stored)) await trx('oauth_tokens').where({ connection_id: config.id }).delete();
    });
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
      if (condition.expect || condition.create) {
        await lockRow(trx, 'channels', config.id);
        const row = await this.channelVersions(trx).where('c.id', config.id).first();
        checkCondition(condition, row ? channelFromRow(row).config : undefined, 'channel', config.id);
      }
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
      if (condition.expect) {
        await lockRow(trx, 'channels', id);
        const row = await this.channelVersions(trx).where('c.id', id).first();
        checkCondition(condition, row ? channelFromRow(row).config : undefined, 'channel', id);
      }
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

  /**
   * Runs `fn` against a store bound to one transaction: all its writes land, or none do (a
   * configuration applied as code). Nested store transactions become savepoints.
   */
  async transaction<T>(fn: (store: StateStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => fn(new KnexStateStore(trx, this.box)));
  }

  // secrets and tokens ------------------------------------------------------------------------

  /** Decrypted value of `vault:<id>`; for the secret resolver only, never for output. */
  async readSecret(id: string): Promise<string> {
    return this.vault.read(id);
  }

  /** Who a vault id belongs to (`datastore:<id>`, `connection:<id>`): the resolver's confinement. */
  async secretOwner(id: string): Promise<string | undefined> {
    return this.vault.owner(id);
  }

  async saveOAuthToken(connectionId: string, token: StoredOAuthToken): Promise<void> {
    const plain = JSON.stringify({
      accessToken: token.accessToken,
      expiresAt: token.expiresAt.toISOString(),
      refreshToken: token.refreshToken,
      refreshExpiresAt: token.refreshExpiresAt?.toISOString(),
      geolocation: token.geolocation,
    });
    const now = new Date();
    await this.db('oauth_tokens')
      .insert({ connection_id: connectionId, ciphertext: this.box.seal(plain, tokenContext(connectionId)), updated_at: now })
      .onConflict('connection_id')
      .merge(['ciphertext', 'updated_at']);
  }

  async loadOAuthToken(connectionId: string): Promise<StoredOAuthToken | undefined> {
    const row = (await this.db('oauth_tokens').where({ connection_id: connectionId }).first('ciphertext')) as { ciphertext: string } | undefined;
    if (!row) return undefined;
    const t = JSON.parse(this.box.open(row.ciphertext, tokenContext(connectionId))) as {
      accessToken: string;
      expiresAt: string;
      refreshToken?: string;
      refreshExpiresAt?: string;
      geolocation?: string;
    };
    const token: StoredOAuthToken = { accessToken: t.accessToken, expiresAt: new Date(t.expiresAt) };
    if (t.refreshToken !== undefined) token.refreshToken = t.refreshToken;
    if (t.refreshExpiresAt !== undefined) token.refreshExpiresAt = new Date(t.refreshExpiresAt);
    if (t.geolocation !== undefined) token.geolocation = t.geolocation;
    return token;
  }

  async deleteOAuthToken(connectionId: string): Promise<void> {
    await this.db('oauth_tokens').where({ connection_id: connectionId }).delete();
  }

  // channel state and cycles ------------------------------------------------------------------

  async getChannelState(channelId: string): Promise<ChannelState> {
    const row = (await this.db('channel_state').where({ channel_id: channelId }).first()) as
      | { watermark: string | null; last_cycle_no: number; last_full_cycle_no: number | null; config_hash?: string | null }
      | undefined;
    const state: ChannelState = { channelId, lastCycleNo: row ? toNumber(row.last_cycle_no) : 0 };
    if (row?.watermark != null) state.watermark = row.watermark;
    if (row?.last_full_cycle_no != null) state.lastFullCycleNo = toNumber(row.last_full_cycle_no);
    if (row?.config_hash != null) state.configHash = row.config_hash;
    return state;
  }

  async startCycle(channelId: string, mode: CycleMode, dryRun: boolean, cycleNo?: number): Promise<CycleRecord> {
    return this.db.transaction(async (trx) => {
      const now = new Date();
      // The upsert locks the channel's state row, so concurrent allocations serialise.
      await trx('channel_state')
        .insert({ channel_id: channelId, last_cycle_no: cycleNo ?? 1, updated_at: now })
        .onConflict('channel_id')
        .merge({
          last_cycle_no:
            cycleNo === undefined
              ? trx.raw('?? + 1', ['channel_state.last_cycle_no'])
              : trx.raw('CASE WHEN ?? < excluded.last_cycle_no THEN excluded.last_cycle_no ELSE ?? END', ['channel_state.last_cycle_no', 'channel_state.last_cycle_no']),
          updated_at: now,
        });
      let no = cycleNo;
      if (no === undefined) {
        const state = (await trx('channel_state').where({ channel_id: channelId }).first('last_cycle_no')) as { last_cycle_no: number };
        no = toNumber(state.last_cycle_no);
      }
      await trx('cycles')
        .insert({
          channel_id: channelId,
          cycle_no: no,
          mode,
          dry_run: dryRun,
          outcome: 'running',
          counts: JSON.stringify(zeroCounts()),
          batches: 0,
          started_at: now,
        })
        .onConflict(['channel_id', 'cycle_no'])
        .ignore();
      const row = (await trx('cycles').where({ channel_id: channelId, cycle_no: no }).first()) as CycleRow;
      return cycleFromRow(row);
    });
  }

  async getCycle(cycleId: number): Promise<CycleRecord | undefined> {
    const row = (await this.db('cycles').where({ id: cycleId }).first()) as CycleRow | undefined;
    return row ? cycleFromRow(row) : undefined;
  }

  async findCycle(channelId: string, cycleNo: number): Promise<CycleRecord | undefined> {
    const row = (await this.db('cycles').where({ channel_id: channelId, cycle_no: cycleNo }).first()) as CycleRow | undefined;
    return row ? cycleFromRow(row) : undefined;
  }

  async updateCycle(
    cycleId: number,
    patch: Partial<Pick<CycleRecord, 'mode' | 'modeReason' | 'configHash' | 'outcome' | 'counts' | 'batches' | 'watermark' | 'error' | 'finishedAt'>>,
  ): Promise<void> {
    const update: Record<string, unknown> = {};
    if (patch.mode !== undefined) update.mode = patch.mode;
    if ('modeReason' in patch) update.mode_reason = patch.modeReason ?? null;
    if ('configHash' in patch) update.config_hash = patch.configHash ?? null;
    if ('outcome' in patch && patch.outcome !== undefined) update.outcome = patch.outcome;
    if ('counts' in patch && patch.counts !== undefined) update.counts = JSON.stringify(patch.counts);
    if ('batches' in patch && patch.batches !== undefined) update.batches = patch.batches;
    if ('watermark' in patch) update.watermark = patch.watermark ?? null;
    if ('error' in patch) update.error = patch.error ?? null;
    if ('finishedAt' in patch) update.finished_at = patch.finishedAt ?? null;
    if (Object.keys(update).length === 0) return;
    const changed = await this.db('cycles').where({ id: cycleId }).update(update);
    if (changed === 0) throw new StoreRecordNotFoundError('cycle', cycleId);
  }

  async listCycles(channelId: string, limit: number): Promise<CycleRecord[]> {
    const rows = (await this.db('cycles').where({ channel_id: channelId }).orderBy('cycle_no', 'desc').limit(limit)) as CycleRow[];
    return rows.map(cycleFromRow);
  }

  /**
   * Marks the cycle done. A succeeded non-dry-run cycle commits its watermark (when it read one:
   * a cycle that saw no change keeps the previous one). A full non-dry-run cycle that was not
   * rejected becomes the channel's last full cycle, as the channel workflow counts it.
   */
  async finishCycle(cycleId: number, outcome: CycleOutcome, counts: CycleCounts): Promise<void> {
    await this.db.transaction(async (trx) => {
      const now = new Date();
      const changed = await trx('cycles').where({ id: cycleId }).update({ outcome, counts: JSON.stringify(counts), finished_at: now });
      if (changed === 0) throw new StoreRecordNotFoundError('cycle', cycleId);
      const cycle = cycleFromRow((await trx('cycles').where({ id: cycleId }).first()) as CycleRow);
      if (cycle.dryRun) return;
      const update: Record<string, unknown> = {};
      if (outcome === 'succeeded' && cycle.watermark !== undefined) update.watermark = cycle.watermark;
      if (cycle.mode === 'full' && outcome !== 'rejected') update.last_full_cycle_no = cycle.cycleNo;
      if (cycle.mode === 'full' && outcome !== 'rejected' && cycle.configHash !== undefined) update.config_hash = cycle.configHash;
      if (Object.keys(update).length === 0) return;
      await trx('channel_state')
        .insert({ channel_id: cycle.channelId, last_cycle_no: cycle.cycleNo, ...update, updated_at: now })
        .onConflict('channel_id')
        .merge({ ...update, updated_at: now });
    });
  }

  // plan ----------------------------------------------------------------------------------------

  async addPlanItems(items: PlanItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.inTransaction(Math.ceil(items.length / CHUNK), async (trx) => {
      for (const part of chunks(items.map((i) => this.sealPlanRow(planToRow(i))))) {
        await trx('plan_items').insert(part).onConflict(['cycle_id', 'seq']).merge();
      }
    });
    const perCycle = new Map<number, number>();
    for (const i of items) perCycle.set(i.cycleId, (perCycle.get(i.cycleId) ?? 0) + 1);
    for (const [cycleId, n] of perCycle) await this.analyze.noteWrites('plan_items', cycleId, n);
  }

  /**
   * The desired attribute values are personal data: sealed like secrets, bound to their plan item
   * (a value moved to another row does not open).
   */
  private sealPlanRow(row: PlanRow): PlanRow {
    return row.desired === null ? row : { ...row, desired: this.box.seal(row.desired, planContext(row.cycle_id, row.seq)) };
  }

  private openPlanRow(row: PlanRow): PlanRow {
    // A plan written before encryption (JSON text) is read as is: plans live one cycle.
    if (row.desired === null || row.desired.startsWith('{')) return row;
    return { ...row, desired: this.box.open(row.desired, planContext(toNumber(row.cycle_id), toNumber(row.seq))) };
  }

  async clearPlan(cycleId: number): Promise<void> {
    await this.db('plan_items').where({ cycle_id: cycleId }).delete();
  }

  async getPlanBatch(cycleId: number, batchNo: number): Promise<PlanItem[]> {
    const rows = (await this.db('plan_items').where({ cycle_id: cycleId, batch_no: batchNo }).orderBy('seq')) as PlanRow[];
    return rows.map((r) => planFromRow(this.openPlanRow(r)));
  }

  async listPlanItems(cycleId: number, options: { offset?: number; limit?: number } = {}): Promise<PlanItem[]> {
    const q = this.db('plan_items').where({ cycle_id: cycleId }).orderBy('seq');
    if (options.limit !== undefined) q.limit(options.limit);
    if (options.offset) q.offset(options.offset);
    return ((await q) as PlanRow[]).map((r) => planFromRow(this.openPlanRow(r)));
  }

  async recordPlanOutcome(cycleId: number, seq: number, outcome: NonNullable<PlanItem['outcome']>, message?: string): Promise<void> {
    await this.db('plan_items')
      .where({ cycle_id: cycleId, seq })
      .update({ outcome, message: message ?? null });
  }

  /**
   * Items sharing cycle, outcome and message (most of a batch: `succeeded`, no message) are
   * updated by one `seq IN (...)` statement. A later record for the same item wins.
   */
  async recordPlanOutcomes(outcomes: PlanOutcomeRecord[]): Promise<void> {
    if (outcomes.length === 0) return;
    const last = new Map<string, PlanOutcomeRecord>();
    for (const o of outcomes) last.set(`${o.cycleId}:${o.seq}`, o);
    const groups = new Map<string, { cycleId: number; outcome: PlanOutcomeRecord['outcome']; message: string | null; seqs: number[] }>();
    for (const o of last.values()) {
      const key = JSON.stringify([o.cycleId, o.outcome, o.message ?? null]);
      const group = groups.get(key) ?? { cycleId: o.cycleId, outcome: o.outcome, message: o.message ?? null, seqs: [] };
      group.seqs.push(o.seq);
      groups.set(key, group);
    }
    const statements = [...groups.values()].reduce((n, g) => n + Math.ceil(g.seqs.length / CHUNK), 0);
    await this.inTransaction(statements, async (trx) => {
      for (const g of groups.values()) {
        for (const part of chunks(g.seqs)) {
          await trx('plan_items').where('cycle_id', g.cycleId).whereIn('seq', part).update({ outcome: g.outcome, message: g.message });
        }
      }
    });
  }

  // provisioner database ------------------------------------------------------------------------

  async getUsers(channelId: string, guids: string[]): Promise<Map<string, ProvisionedUser>> {
    const result = new Map<string, ProvisionedUser>();
    for (const part of chunks([...new Set(guids)])) {
      const rows = (await this.db('provisioned_users').where('channel_id', channelId).whereIn('guid', part)) as UserRow[];
      for (const row of rows) result.set(row.guid, userFromRow(row));
    }
    return result;
  }

  async getConcurIdHolders(channelId: string, concurIds: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const part of chunks([...new Set(concurIds)])) {
      const rows = (await this.db('provisioned_users').where('channel_id', channelId).whereIn('status', ['active', 'disabled']).whereIn('concur_id', part).select('guid', 'concur_id')) as Array<{ guid: string; concur_id: string }>;
      for (const row of rows) result.set(row.concur_id, row.guid);
    }
    return result;
  }

  async getUser(channelId: string, guid: string): Promise<ProvisionedUser | undefined> {
    const row = (await this.db('provisioned_users').where({ channel_id: channelId, guid }).first()) as UserRow | undefined;
    return row ? userFromRow(row) : undefined;
  }

  async upsertUser(user: ProvisionedUserPatch): Promise<void> {
    await this.upsertUsers([user]);
  }

  /**
   * Batch upsert. Patches with the same set of fields share one multi-row INSERT ... ON CONFLICT
   * MERGE of exactly those columns. A GUID repeated in the batch starts a new round, so later
   * patches win (PostgreSQL refuses to touch one row twice in a statement).
   */
  async upsertUsers(users: ProvisionedUserPatch[]): Promise<void> {
    if (users.length === 0) return;
    const now = new Date();
    const rounds: Array<Map<string, { merge: string[]; rows: Record<string, unknown>[] }>> = [];
    let round = new Map<string, { merge: string[]; rows: Record<string, unknown>[] }>();
    let keys = new Set<string>();
    for (const user of users) {
      const key = `${user.channelId}\u0000${user.guid}`;
      if (keys.has(key)) {
        rounds.push(round);
        round = new Map();
        keys = new Set();
      }
      keys.add(key);
      const { row, merge } = userPatchRow(user, now);
      const signature = merge.join(',');
      const group = round.get(signature) ?? { merge, rows: [] };
      group.rows.push(row);
      round.set(signature, group);
    }
    rounds.push(round);
    const statements = rounds.reduce((n, r) => n + [...r.values()].reduce((m, g) => m + Math.ceil(g.rows.length / CHUNK), 0), 0);
    await this.inTransaction(statements, async (trx) => {
      for (const r of rounds) {
        for (const group of r.values()) {
          for (const part of chunks(group.rows)) {
            await trx('provisioned_users').insert(part).onConflict(['channel_id', 'guid']).merge(group.merge);
          }
        }
      }
    });
    const perChannel = new Map<string, number>();
    for (const u of users) perChannel.set(u.channelId, (perChannel.get(u.channelId) ?? 0) + 1);
    for (const [channelId, n] of perChannel) await this.analyze.noteWrites('provisioned_users', channelId, n);
  }

  async markSeen(channelId: string, guids: string[], cycleNo: number): Promise<void> {
    if (guids.length === 0) return;
    await this.inTransaction(Math.ceil(guids.length / CHUNK), async (trx) => {
      for (const part of chunks(guids)) {
        await trx('provisioned_users').where('channel_id', channelId).whereIn('guid', part).update({ last_seen_cycle: cycleNo });
      }
    });
  }

  async listUnseen(channelId: string, cycleNo: number, afterGuid: string | undefined, limit: number): Promise<ProvisionedUser[]> {
    const q = this.db('provisioned_users')
      .where('channel_id', channelId)
      .whereIn('status', MANAGED)
      .where('excluded', false)
      .where((w) => w.whereNull('last_seen_cycle').orWhere('last_seen_cycle', '<', cycleNo))
      .orderBy('guid')
      .limit(limit);
    if (afterGuid !== undefined) q.where('guid', '>', afterGuid);
    return ((await q) as UserRow[]).map(userFromRow);
  }

  /** Users of one status, most recently changed first (the API's `?status=`). */
  async listUsersByStatus(channelId: string, status: UserStatus, limit: number): Promise<ProvisionedUser[]> {
    const rows = (await this.db('provisioned_users')
      .where({ channel_id: channelId, status })
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'guid', order: 'asc' },
      ])
      .limit(limit)) as UserRow[];
    return rows.map(userFromRow);
  }

  async listFailed(channelId: string, limit: number): Promise<ProvisionedUser[]> {
    const rows = (await this.db('provisioned_users')
      .where('channel_id', channelId)
      .where((w) => w.where('status', 'failed').orWhereNotNull('last_error_code'))
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'guid', order: 'asc' },
      ])
      .limit(limit)) as UserRow[];
    return rows.map(userFromRow);
  }

  async countUsers(channelId: string): Promise<Record<UserStatus, number>> {
    const rows = (await this.db('provisioned_users').where('channel_id', channelId).groupBy('status').select('status').count({ n: '*' })) as Array<{
      status: UserStatus;
      n: number | string;
    }>;
    const counts: Record<UserStatus, number> = { active: 0, disabled: 0, deleted: 0, failed: 0 };
    for (const r of rows) counts[r.status] = toNumber(r.n);
    return counts;
  }

  /**
   * Forgets the channel's provisioner state: users, plan items, watermark and last full cycle.
   * Config, audit and cycle history stay, and so does the cycle counter: cycle numbers name
   * workflows (`channel-<id>-cycle-<n>`) and must not be handed out twice.
   */
  async resetChannel(channelId: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      // Links to Concur accounts are kept (never orphan an account Outbound manages): the next
      // full cycle re-sends every linked user and removes those no longer in scope. Everything
      // else about a user (hashes, failures, retries) is forgotten.
      await trx('provisioned_users')
        .where({ channel_id: channelId })
        .where((w) => w.whereNull('concur_id').orWhereNotIn('status', ['active', 'disabled']))
        .delete();
      await trx('provisioned_users')
        .where({ channel_id: channelId })
        .update({ last_hash: null, failed_hash: null, attempts: 0, last_error_code: null, last_error: null, next_attempt_at: null, last_seen_cycle: null, updated_at: new Date() });
      await trx('plan_items')
        .whereIn('cycle_id', trx('cycles').select('id').where({ channel_id: channelId }))
        .delete();
      await trx('channel_state').where({ channel_id: channelId }).update({ watermark: null, last_full_cycle_no: null, updated_at: new Date() });
    });
  }

  // audit ---------------------------------------------------------------------------------------

  async purgeHistory(before: Date): Promise<{ cycles: number; planItems: number; audit: number }> {
    return this.db.transaction(async (trx) => {
      const old = trx('cycles').select('id').whereNotNull('finished_at').where('finished_at', '<', before);
      const planItems = Number(await trx('plan_items').whereIn('cycle_id', old.clone()).delete());
      const cycles = Number(await trx('cycles').whereNotNull('finished_at').where('finished_at', '<', before).delete());
      const audit = Number(await trx('audit').where('at', '<', before).delete());
      return { cycles, planItems, audit };
    });
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.inTransaction(Math.ceil(entries.length / CHUNK), async (trx) => {
      for (const part of chunks(entries.map(auditToRow))) await trx('audit').insert(part);
    });
    await this.analyze.noteWrites('audit', entries[0].channelId, entries.length);
  }

  async listAudit(channelId: string, options: { guid?: string; cycleId?: number; limit: number }): Promise<AuditEntry[]> {
    const q = this.db('audit')
      .where('channel_id', channelId)
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.guid !== undefined) q.where('guid', options.guid);
    if (options.cycleId !== undefined) q.where('cycle_id', options.cycleId);
    return ((await q) as AuditRow[]).map(auditFromRow);
  }

  async queryAudit(channelId: string, query: AuditQuery): Promise<{ entries: Array<AuditEntry & { id: number }>; nextCursor?: string }> {
    const q = this.db('audit').where('channel_id', channelId).orderBy('id', 'desc').limit(query.limit + 1);
    if (query.action !== undefined) q.where('action', query.action);
    if (query.outcome !== undefined) q.where('outcome', query.outcome);
    if (query.guid !== undefined) q.where('guid', query.guid);
    if (query.from !== undefined) q.where('at', '>=', query.from);
    if (query.to !== undefined) q.where('at', '<', query.to);
    if (query.before !== undefined) q.where('id', '<', query.before);
    const rows = (await q) as Array<AuditRow & { id: number | string }>;
    const page = rows.slice(0, query.limit).map((r) => ({ id: toNumber(r.id), ...auditFromRow(r) }));
    return { entries: page, nextCursor: rows.length > query.limit ? String(page[page.length - 1].id) : undefined };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // helpers ---------------------------------------------------------------------------------------

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

  private channelVersions(db: Knex = this.db): Knex.QueryBuilder {
    return db({ c: 'channels' })
      .join({ v: 'channel_versions' }, function () {
        this.on('v.channel_id', '=', 'c.id').andOn('v.version', '=', 'c.current_version');
      })
      .select('v.config', 'v.version');
  }

  /** A transaction when the work spans several statements (one commit); one statement commits alone. */
  private async inTransaction(statements: number, work: (db: Knex) => Promise<void>): Promise<void> {
    if (statements <= 1) {
      await work(this.db);
      return;
    }
    await this.db.transaction(async (trx) => work(trx));
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

const tokenContext = (connectionId: string): string => `oauth:${connectionId}`;
const planContext = (cycleId: number, seq: number): string => `plan:${cycleId}.${seq}`;

function zeroCounts(): CycleCounts {
  return { read: 0, excluded: 0, unchanged: 0, create: 0, update: 0, disable: 0, delete: 0, reactivate: 0, succeeded: 0, failed: 0, retrying: 0, invalid: 0 };
}

/** Insert row and merge columns for one user patch (see USER_COLUMNS for the undefined rule). */
function userPatchRow(user: ProvisionedUserPatch, now: Date): { row: Record<string, unknown>; merge: string[] } {
  const row: Record<string, unknown> = { channel_id: user.channelId, guid: user.guid };
  const merge: string[] = [];
  for (const { field, column, nullable } of USER_COLUMNS) {
    if (!Object.prototype.hasOwnProperty.call(user, field)) continue;
    const value = user[field];
    if (value === undefined && !nullable) continue;
    row[column] = value === undefined ? null : value;
    merge.push(column);
  }
  row.created_at = user.createdAt ?? now;
  row.updated_at = user.updatedAt ?? now;
  merge.push('updated_at');
  return { row, merge };
}

/**
 * Whether a connection's stored OAuth tokens no longer fit it: another baseUrl, auth type, client
 * id or credential. Secrets compare by reference: an unchanged literal keeps its vault id.
 */
export function connectionTokensStale(previous: ConnectionConfig, next: ConnectionConfig): boolean {
  return previous.baseUrl !== next.baseUrl || JSON.stringify(previous.auth) !== JSON.stringify(next.auth);
}
