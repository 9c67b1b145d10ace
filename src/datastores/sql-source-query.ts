/**
 * The statements a SQL channel source runs, built with knex from a checked SqlSourcePlan.
 * Identifiers go through knex (quoted); administrator fragments are embedded in parentheses on
 * lines of their own; every value is a bound parameter. Pages use keyset conditions on indexed
 * columns, never OFFSET.
 */
import type { Knex } from 'knex';
import { normalizeDn } from '../domain/exclusion';
import { ROLE } from './sql-row-mapper';
import type { SqlSourcePlan } from './sql-source-plan';

/** Alias of the source relation (table or wrapped SELECT) in every statement. */
const SRC = 'outbound_src';

/** Where a page starts: after the last row of the previous page. */
export interface PageCursor {
  guid: unknown;
  marker?: unknown;
}

export interface PageRequest {
  /** `guid`: whole scope in GUID order. `marker`: rows changed since `since`, in (updated_at, guid) order. */
  order: 'guid' | 'marker';
  /** Bind value for `updated_at >= since` (marker order, first page). */
  since?: unknown;
  after?: PageCursor;
  limit: number;
}

export class SqlSourceQuery {
  constructor(
    private readonly knex: Knex,
    private readonly plan: SqlSourcePlan,
  ) {}

  /** `outbound_src.<column>`; knex quotes each part. */
  private col(name: string): string {
    return `${SRC}.${name}`;
  }

  private aliased(name: string, alias: string): Knex.Ref<string, Record<string, string>> {
    return this.knex.ref(this.col(name)).as(alias);
  }

  /** `FROM <table> AS outbound_src` or `FROM (<select>) AS outbound_src`. */
  relation(): Knex.QueryBuilder {
    if (this.plan.table !== undefined) return this.knex.from({ [SRC]: this.plan.table });
    return this.knex.from(this.knex.raw(`(\n${this.plan.query}\n) ${SRC}`));
  }

  /** The relation limited to the channel's scope: a GUID, and the location filter when set. */
  scoped(): Knex.QueryBuilder {
    const qb = this.relation().whereNotNull(this.col(this.plan.guidColumn));
    if (this.plan.filter !== undefined) qb.whereRaw(`(\n${this.plan.filter}\n)`);
    return qb;
  }

  /** Every column, plus the role columns under reserved aliases (see ROLE). */
  private selectEntries(qb: Knex.QueryBuilder): Knex.QueryBuilder {
    const { plan } = this;
    const columns: Array<string | Knex.Raw | Knex.Ref<string, Record<string, string>>> = [`${SRC}.*`, this.aliased(plan.guidColumn, ROLE.guid)];
    if (plan.statusColumn !== undefined) columns.push(this.aliased(plan.statusColumn, ROLE.status));
    if (plan.updatedAtColumn !== undefined) columns.push(this.aliased(plan.updatedAtColumn, ROLE.marker));
    if (plan.exclusionFilter !== undefined) columns.push(this.knex.raw(`CASE WHEN (\n${plan.exclusionFilter}\n) THEN 1 ELSE 0 END AS ${ROLE.excluded}`));
    return qb.select(columns);
  }

  page(request: PageRequest): Knex.QueryBuilder {
    const { plan } = this;
    const guid = this.col(plan.guidColumn);
    const qb = this.selectEntries(this.scoped());
    if (request.order === 'guid') {
      if (request.after) qb.where(guid, '>', request.after.guid as Knex.Value);
      return qb.orderBy(guid).limit(request.limit);
    }
    const marker = this.col(plan.updatedAtColumn!);
    if (request.since !== undefined) qb.where(marker, '>=', request.since as Knex.Value);
    else qb.whereNotNull(marker);
    if (request.after) {
      const { marker: m, guid: g } = request.after as { marker: Knex.Value; guid: Knex.Value };
      if (plan.dialect.rowValueComparison) {
        qb.whereRaw('(??, ??) > (?, ?)', [marker, guid, m, g]);
      } else {
        qb.where((w) => w.where(marker, '>', m).orWhere((t) => t.where(marker, '=', m).andWhere(guid, '>', g)));
      }
    }
    return qb.orderBy([marker, guid]).limit(request.limit);
  }

  /** The entry with this GUID (bound in the column's own representation), if in scope. */
  one(guid: unknown): Knex.QueryBuilder {
    return this.selectEntries(this.scoped())
      .where(this.col(this.plan.guidColumn), '=', guid as Knex.Value)
      .limit(1);
  }

  /** One GUID value from the scope, to learn how the column represents GUIDs. */
  sampleGuid(): Knex.QueryBuilder {
    return this.scoped().select(this.aliased(this.plan.guidColumn, ROLE.guid)).limit(1);
  }

  /** Compiles and plans a reference to the relation or to one column, reading no row. */
  probe(column?: string): Knex.QueryBuilder {
    return this.relation()
      .select(column === undefined ? this.knex.raw('1 AS probe') : this.col(column))
      .whereRaw('1 = 0');
  }

  /** Compiles and plans an administrator condition against the relation, reading no row. */
  probeCondition(fragment: string): Knex.QueryBuilder {
    return this.relation().select(this.knex.raw('1 AS probe')).whereRaw(`(\n${fragment}\n)`).whereRaw('1 = 0');
  }

  private countCapped(qb: Knex.QueryBuilder, cap: number): Knex.QueryBuilder {
    return this.knex.count({ n: '*' }).from(qb.select(this.knex.raw('1 AS one')).limit(cap).as('outbound_count'));
  }

  /** Rows in scope, counting at most `cap`. */
  countInScope(cap: number): Knex.QueryBuilder {
    return this.countCapped(this.scoped(), cap);
  }

  /**
   * Rows in scope the exclusion rule names, counting at most `cap`: by SQL condition, by GUID
   * (`exclusion.dns`, compared as text) and by attribute value (compared case-insensitively). A
   * delimited multi-value column is compared whole here; the per-entry check splits it.
   */
  countExcluded(cap: number): Knex.QueryBuilder | undefined {
    const { plan } = this;
    const textOf = (column: string) => this.knex.raw(`LOWER(CAST(?? AS ${plan.dialect.textType}))`, [this.col(column)]);
    const conditions: Array<(w: Knex.QueryBuilder) => void> = [];
    if (plan.exclusionFilter !== undefined) conditions.push((w) => w.orWhereRaw(`(\n${plan.exclusionFilter}\n)`));
    if (plan.exclusion.dns.length > 0) {
      const guids = plan.exclusion.dns.map((d) => normalizeDn(d));
      conditions.push((w) => w.orWhereIn(textOf(plan.guidColumn) as never, guids));
    }
    if (plan.exclusionAttributeColumn !== undefined && plan.exclusion.attribute) {
      const values = plan.exclusion.attribute.values.map((v) => v.toLowerCase());
      conditions.push((w) => w.orWhereIn(textOf(plan.exclusionAttributeColumn!) as never, values));
    }
    if (conditions.length === 0) return undefined;
    return this.countCapped(
      this.scoped().where((w) => conditions.forEach((c) => c(w))),
      cap,
    );
  }
}
