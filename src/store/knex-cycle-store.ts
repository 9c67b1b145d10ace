import { zeroCounts } from '../domain/cycle';
import { KnexTokenStore } from './knex-token-store';
import { StoreRecordNotFoundError } from './store-errors';
import { CHUNK, chunks, toNumber } from './row-values';
import type { ChannelState, CycleCounts, CycleMode, CycleOutcome, CycleRecord, PlanItem, PlanOutcomeRecord } from './state-store';
import { cycleFromRow, planFromRow, planToRow, type CycleRow, type PlanRow } from './store-rows';

const planContext = (cycleId: number, seq: number): string => `plan:${cycleId}.${seq}`;

/** Channel state (watermark, cycle numbers), cycles and their plans. */
export class KnexCycleStore extends KnexTokenStore {
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

  async findCycle(channelId: string, cycleNo: number): Promise<CycleRecord | undefined> {
    const row = (await this.db('cycles').where({ channel_id: channelId, cycle_no: cycleNo }).first()) as CycleRow | undefined;
    return row ? cycleFromRow(row) : undefined;
  }

  async getCycle(cycleId: number): Promise<CycleRecord | undefined> {
    const row = (await this.db('cycles').where({ id: cycleId }).first()) as CycleRow | undefined;
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
}
