import { KnexCycleStore } from './knex-cycle-store';
import { CHUNK, chunks, toNumber } from './row-values';
import type { ProvisionedUser, ProvisionedUserPatch, UserStatus } from './state-store';
import { USER_COLUMNS, userFromRow, type UserRow } from './store-rows';

/** Statuses of users Outbound manages in Concur: candidates for removal when they leave scope. */
const MANAGED: UserStatus[] = ['active', 'disabled'];

/** The provisioner database: one row per managed user and channel. */
export class KnexUserStore extends KnexCycleStore {
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
