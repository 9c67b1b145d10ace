import type { Knex } from 'knex';

const FIRST_THRESHOLD = 1_000;
const GROWTH = 4;

/**
 * Refreshes PostgreSQL planner statistics as bulk writes land, instead of waiting up to a minute
 * for autovacuum. Without statistics, a table filled within one cycle (a first load, or the plan
 * of a new cycle, whose id the last ANALYZE never saw) looks tiny to the planner, which then scans
 * every row of the channel or cycle per 500-row page: measured 5-10x slower than the primary-key
 * plan at 100k users. ANALYZE runs when the rows written for one key (channel or cycle) reach
 * 1k, 4k, 16k, ... (each costs tens of ms; ANALYZE samples, it does not read the whole table).
 * SQLite's planner needs no statistics for these queries, so it is a no-op there.
 */
export class AutoAnalyze {
  private readonly written = new Map<string, { rows: number; next: number }>();

  constructor(
    private readonly db: Knex,
    private readonly enabled: boolean,
  ) {}

  async noteWrites(table: string, key: string | number, rows: number): Promise<void> {
    if (!this.enabled || rows === 0) return;
    const id = `${table}\u0000${key}`;
    const entry = this.written.get(id) ?? { rows: 0, next: FIRST_THRESHOLD };
    entry.rows += rows;
    this.written.set(id, entry);
    if (entry.rows < entry.next) return;
    while (entry.next <= entry.rows) entry.next *= GROWTH;
    await this.db.raw('ANALYZE ??', [table]);
  }
}
