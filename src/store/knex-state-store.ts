import { KnexUserStore } from './knex-user-store';
import type { SecretVaultReader } from './store-secret-resolver';
import { CHUNK, chunks, toNumber } from './row-values';
import type { AuditEntry, AuditQuery, StateStore } from './state-store';
import { auditFromRow, auditToRow, type AuditRow } from './store-rows';

/** The whole StateStore on knex: the audit trail and retention here, the other sections below. */
export class KnexStateStore extends KnexUserStore implements StateStore, SecretVaultReader {
  /**
   * Runs `fn` against a store bound to one transaction: all its writes land, or none do (a
   * configuration applied as code). Nested store transactions become savepoints.
   */
  async transaction<T>(fn: (store: StateStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => fn(new KnexStateStore(trx, this.box)));
  }

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
}
