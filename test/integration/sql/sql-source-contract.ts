/**
 * The behaviour every SQL datastore dialect must show, run against a real server (or file) by
 * postgres.test.ts, mariadb.test.ts and sqlite.test.ts. Each test creates its own tables.
 */
import type { Knex } from 'knex';
import { freePort } from '../../../scripts/services/service';
import type { ChannelSource } from '../../../src/datastores/datastore';
import { SqlDatastoreError } from '../../../src/datastores/sql-datastore-error';
import { insertRows, readAll, sourceFor, suffix, type ChannelInput, type SqlFixture } from './sql-fixture';

const pad = (i: number) => String(i).padStart(5, '0');
/** ISO instant `seconds` after a fixed origin, with a microsecond part. */
const at = (seconds: number, micros = 0) => new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, '0')}Z`);

/** `fixture` is read when tests run: the test file sets it up in beforeAll and cleans up in afterAll. */
export function describeSqlSourceContract(name: string, fixture: () => SqlFixture): void {
  describe(`SQL datastore on ${name}`, () => {
    let fx: SqlFixture;
    const opened: ChannelSource[] = [];
    const open = (channel: ChannelInput, datastore: Record<string, unknown> = {}) => {
      const source = sourceFor(fx, channel, datastore);
      opened.push(source);
      return source;
    };

    beforeAll(() => {
      fx = fixture();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    /** A people table: id, name, email, dept, status, updated_at, indexed for keyset reads. */
    async function people(rows: Array<Record<string, unknown>>): Promise<string> {
      const table = fx.table('people');
      await fx.createTable(table, (t: Knex.CreateTableBuilder) => {
        t.string('id', 64).primary();
        t.string('name', 200);
        t.string('email', 200);
        t.string('dept', 20);
        t.string('status', 20);
        t.specificType('updated_at', fx.timestampType);
        t.index(['updated_at', 'id'], `ix_${suffix()}`);
      });
      await insertRows(
        fx.admin,
        table,
        rows.map((r) => ({ ...r, updated_at: r.updated_at === undefined || r.updated_at === null ? null : fx.timestamp(r.updated_at as string) })),
      );
      return table;
    }

    const person = (i: number, extra: Record<string, unknown> = {}) => ({
      id: `u${pad(i)}`,
      name: `Name ${i}`,
      email: `user${i}@example.com`,
      dept: i % 2 === 0 ? 'eng' : 'sales',
      status: i % 10 === 0 ? 'inactive' : 'active',
      updated_at: at(i),
      ...extra,
    });

    it('reads thousands of rows in keyset pages of the configured size, each once, with the highest marker', async () => {
      const table = await people(Array.from({ length: 2500 }, (_, i) => person(i)));
      const source = open({ source: { table, guidColumn: 'id', statusColumn: 'status', updatedAtColumn: 'updated_at' } }, { pageSize: 300 });
      const { pages, entries, watermark } = await readAll(source, { mode: 'full' });
      expect(pages.map((p) => p.entries.length)).toEqual([300, 300, 300, 300, 300, 300, 300, 300, 100]);
      expect(new Set(entries.map((e) => e.guid)).size).toBe(2500);
      const ids = entries.map((e) => e.guid);
      expect(ids).toEqual([...ids].sort());
      expect(entries.filter((e) => !e.enabled)).toHaveLength(250);
      expect(watermark).toBe(fx.marker(at(2499)));
      const e7 = entries.find((e) => e.guid === 'u00007')!;
      expect(e7).toMatchObject({ dn: 'u00007', enabled: true, changeMarker: fx.marker(at(7)) });
      expect(e7.attributes).toMatchObject({ id: ['u00007'], name: ['Name 7'], email: ['user7@example.com'], dept: ['sales'], status: ['active'], updated_at: [fx.marker(at(7))] });
      expect(await source.verify()).toMatchObject({ ok: true, sample: 2500 });
    });

    it('reads incrementally only what changed since the watermark, including rows tied at its timestamp', async () => {
      const table = await people(Array.from({ length: 50 }, (_, i) => person(i)));
      const source = open({ source: { table, guidColumn: 'id', updatedAtColumn: 'updated_at' } }, { pageSize: 2 });
      const full = await readAll(source, { mode: 'full' });
      expect(full.watermark).toBe(fx.marker(at(49)));

      await fx.admin(table).whereIn('id', ['u00010', 'u00020']).update({ name: 'changed', updated_at: fx.timestamp(at(100)) });
      await fx.admin(table).insert(person(99, { updated_at: fx.timestamp(at(100)) }));
      await fx.admin(table).where('id', 'u00030').update({ updated_at: fx.timestamp(at(100, 1)) });
      const first = await readAll(source, { mode: 'incremental', watermark: full.watermark });
      // u00049 sits at the old watermark: read again (>=), so nothing committed later at that instant is lost.
      expect(first.entries.map((e) => e.guid)).toEqual(['u00049', 'u00010', 'u00020', 'u00099', 'u00030']);
      expect(first.entries.find((e) => e.guid === 'u00010')!.attributes.name).toEqual(['changed']);
      expect(first.watermark).toBe(fx.marker(at(100, 1)));

      // A row written later with exactly the watermark's timestamp is still seen.
      await fx.admin(table).where('id', 'u00005').update({ updated_at: fx.timestamp(at(100, 1)) });
      const second = await readAll(source, { mode: 'incremental', watermark: first.watermark });
      expect(second.entries.map((e) => e.guid)).toEqual(['u00005', 'u00030']);

      // Nothing newer: one empty page that keeps the watermark.
      const none = await readAll(source, { mode: 'incremental', watermark: fx.marker(at(200)) });
      expect(none.pages).toEqual([{ entries: [], watermark: fx.marker(at(200)) }]);
    });

    it('pages through hundreds of rows sharing one timestamp without skipping or repeating any', async () => {
      const rows = Array.from({ length: 705 }, (_, i) => person(i, { updated_at: i < 700 ? at(10) : at(10, 1) }));
      const table = await people(rows);
      const source = open({ source: { table, guidColumn: 'id', updatedAtColumn: 'updated_at' } }, { pageSize: 100 });
      const { pages, entries, watermark } = await readAll(source, { mode: 'incremental', watermark: fx.marker(at(0)) });
      expect(pages).toHaveLength(8);
      expect(new Set(entries.map((e) => e.guid)).size).toBe(705);
      expect(entries.slice(0, 700).every((e) => e.changeMarker === fx.marker(at(10)))).toBe(true);
      expect(watermark).toBe(fx.marker(at(10, 1)));
    });

    it('keeps microsecond precision in markers and watermarks', async () => {
      const table = await people([person(1, { updated_at: at(5, 1) }), person(2, { updated_at: at(5, 2) })]);
      const source = open({ source: { table, guidColumn: 'id', updatedAtColumn: 'updated_at' } });
      expect((await readAll(source, { mode: 'full' })).watermark).toBe(fx.marker(at(5, 2)));
      expect((await readAll(source, { mode: 'incremental', watermark: fx.marker(at(5, 1)) })).entries.map((e) => e.guid)).toEqual(['u00001', 'u00002']);
      expect((await readAll(source, { mode: 'incremental', watermark: fx.marker(at(5, 2)) })).entries.map((e) => e.guid)).toEqual(['u00002']);
    });

    it('reads everything, without a watermark, when the source has no updated-at column', async () => {
      const table = await people([person(1), person(2)]);
      const source = open({ source: { table, guidColumn: 'id' } });
      const { entries, watermark } = await readAll(source, { mode: 'incremental', watermark: fx.marker(at(1)) });
      expect(entries).toHaveLength(2);
      expect(watermark).toBeUndefined();
    });

    it('evaluates the status column against the disabled values, null giving the default status', async () => {
      const table = await people([person(1, { status: 'Active' }), person(2, { status: 'INACTIVE' }), person(3, { status: 'locked' }), person(4, { status: null })]);
      const source = open({ source: { table, guidColumn: 'id', statusColumn: 'status', disabledValues: ['inactive', 'Locked'], defaultStatus: 'disabled' } });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(Object.fromEntries(entries.map((e) => [e.guid, e.enabled]))).toEqual({ u00001: true, u00002: false, u00003: false, u00004: false });
      expect(entries.find((e) => e.guid === 'u00004')!.attributes.status).toBeUndefined();
    });

    it('reads a SELECT source with a scope filter, and readOne honours the scope', async () => {
      const table = await people(Array.from({ length: 30 }, (_, i) => person(i)));
      const depts = fx.table('depts');
      await fx.createTable(depts, (t: Knex.CreateTableBuilder) => {
        t.string('code', 20).primary();
        t.string('title', 50);
      });
      await fx.admin(depts).insert([
        { code: 'eng', title: 'Engineering' },
        { code: 'sales', title: 'Sales' },
      ]);
      const q = (n: string) => n.split('.').map((p) => (fx.client === 'mysql2' ? `\`${p}\`` : `"${p}"`)).join('.');
      const query = `SELECT p.id AS person_id, p.name, d.title AS department, p.updated_at FROM ${q(table)} p JOIN ${q(depts)} d ON d.code = p.dept;`;
      const source = open({ source: { query, guidColumn: 'person_id', updatedAtColumn: 'updated_at' }, filter: "department = 'Sales' AND person_id <> 'u00001'" }, { pageSize: 4 });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(entries).toHaveLength(14);
      expect(entries.every((e) => e.attributes.department[0] === 'Sales')).toBe(true);
      expect(Object.keys(entries[0].attributes).sort()).toEqual(['department', 'name', 'person_id', 'updated_at']);
      expect((await source.readOne('u00003'))?.attributes.name).toEqual(['Name 3']);
      expect(await source.readOne('u00002')).toBeUndefined(); // engineering: out of scope
      expect(await source.readOne('u00001')).toBeUndefined(); // filtered out
      expect(await source.verify()).toMatchObject({ ok: true, sample: 14 });
    });

    it('keeps unicode and hostile values intact and never executes them', async () => {
      const hostile = [
        { id: "q'1", name: "Robert'); DROP TABLE people;--" },
        { id: 'q"2', name: 'Zoë 𝄞 名前 مرحبا' },
        { id: 'q\\3', name: 'C:\\temp\\ 100% _x_ ? $1 :name' },
        { id: '\'; DROP TABLE x; --', name: 'tab\there\nnewline' },
      ];
      const table = await people(hostile.map((h, i) => ({ ...h, email: null, dept: 'x', status: 'active', updated_at: at(i) })));
      const source = open({ source: { table, guidColumn: 'id', updatedAtColumn: 'updated_at' } }, { pageSize: 1 });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(new Map(entries.map((e) => [e.guid, e.attributes.name[0]]))).toEqual(new Map(hostile.map((h) => [h.id, h.name])));
      for (const h of hostile) expect((await source.readOne(h.id))?.attributes.name).toEqual([h.name]);
      expect(await source.readOne("' OR '1'='1")).toBeUndefined();
      // A tampered watermark is bound as a value (or refused), never run.
      const tampered = await readAll(source, { mode: 'incremental', watermark: "2024-01-01'; DROP TABLE people; --" }).catch((e: unknown) => e);
      if (tampered instanceof Error) expect(tampered).toMatchObject({ setting: 'channel.source.updatedAtColumn' });
      expect(Number((await fx.admin(table).count({ n: '*' }))[0].n)).toBe(4);
    });

    it('reports excluded entries (by GUID, attribute and SQL condition) instead of dropping them', async () => {
      const table = await people(Array.from({ length: 12 }, (_, i) => person(i, i === 11 ? { dept: 'ops' } : {})));
      const source = open({
        source: { table, guidColumn: 'id' },
        exclusion: { dns: ['U00003'], attribute: { name: 'email', values: ['USER5@example.com'] }, filter: "dept = 'ops'" },
      });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(entries).toHaveLength(12);
      expect(entries.filter((e) => e.excluded).map((e) => e.guid)).toEqual(['u00003', 'u00005', 'u00011']);
      expect(await source.verify()).toMatchObject({ ok: true, sample: 12, excluded: 3 });
      expect((await source.readOne('u00011'))?.excluded).toBe(true);
    });

    it('renders 16-byte binary GUIDs canonically, pages by them and finds them by text', async () => {
      const table = fx.table('bin');
      await fx.createTable(table, (t: Knex.CreateTableBuilder) => {
        t.specificType('guid', fx.binaryType).primary();
        t.string('name', 50);
      });
      const guids = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7', '00000000-0000-0000-0000-000000000001', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '9a6b1c4e-0000-4000-8000-000000000000'];
      await fx.admin(table).insert(guids.map((g, i) => ({ guid: Buffer.from(g.replace(/-/g, ''), 'hex'), name: `n${i}` })));
      const source = open({ source: { table, guidColumn: 'guid' } }, { pageSize: 2 });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(entries.map((e) => e.guid)).toEqual([...guids].sort());
      expect(entries[0].attributes.guid).toEqual([entries[0].guid]);
      const fresh = open({ source: { table, guidColumn: 'guid' } });
      expect((await fresh.readOne(guids[1].toUpperCase()))?.attributes.name).toEqual(['n1']);
      expect(await fresh.readOne('not-a-guid')).toBeUndefined();
    });

    it('keeps 64-bit integer GUIDs exact, pages by them and finds them by text only', async () => {
      const table = fx.table('big');
      await fx.createTable(table, (t: Knex.CreateTableBuilder) => {
        t.bigInteger('emp_no').primary();
        t.string('name', 50);
      });
      const ids = ['9007199254740993', '9007199254740995', '9223372036854775807', '12'];
      await fx.admin(table).insert(ids.map((id) => ({ emp_no: fx.client === 'better-sqlite3' ? BigInt(id) : id, name: `n${id}` })));
      const source = open({ source: { table, guidColumn: 'emp_no' } }, { pageSize: 1 });
      const { entries } = await readAll(source, { mode: 'full' });
      expect(entries.map((e) => e.guid)).toEqual(['12', '9007199254740993', '9007199254740995', '9223372036854775807']);
      expect((await source.readOne('9007199254740995'))?.attributes.name).toEqual(['n9007199254740995']);
      expect(await source.readOne('12abc')).toBeUndefined();
    });

    it('stops reading when the signal aborts', async () => {
      const table = await people(Array.from({ length: 10 }, (_, i) => person(i)));
      const source = open({ source: { table, guidColumn: 'id' } }, { pageSize: 2 });
      const controller = new AbortController();
      let pages = 0;
      await expect(
        (async () => {
          for await (const _page of source.read({ mode: 'full', signal: controller.signal })) {
            pages++;
            controller.abort();
          }
        })(),
      ).rejects.toThrow();
      expect(pages).toBe(1);
    });

    describe('verify() names the setting at fault', () => {
      let table: string;
      beforeAll(async () => {
        table = await people([person(1)]);
      });
      const failing = async (channel: ChannelInput, datastore: Record<string, unknown> = {}) => {
        const check = await open(channel, datastore).verify();
        expect(check.ok).toBe(false);
        return check;
      };

      it('unknown table', async () => {
        expect(await failing({ source: { table: `${table}_missing`, guidColumn: 'id' } })).toMatchObject({ setting: 'channel.source.table', message: expect.stringMatching(/unknown table/) });
      });
      it('unknown GUID, status and updated-at columns, and exclusion attribute', async () => {
        expect(await failing({ source: { table, guidColumn: 'nope' } })).toMatchObject({ setting: 'channel.source.guidColumn', message: expect.stringMatching(/unknown column/) });
        expect((await failing({ source: { table, guidColumn: 'id', statusColumn: 'stat' } })).setting).toBe('channel.source.statusColumn');
        expect((await failing({ source: { table, guidColumn: 'id', updatedAtColumn: 'changed' } })).setting).toBe('channel.source.updatedAtColumn');
        expect((await failing({ source: { table, guidColumn: 'id' }, exclusion: { attribute: { name: 'role', values: ['admin'] } } })).setting).toBe('channel.exclusion.attribute.name');
      });
      it('invalid names before any SQL runs', async () => {
        expect(await failing({ source: { table: 'people"; DROP TABLE x; --', guidColumn: 'id' } })).toMatchObject({ setting: 'channel.source.table' });
        expect(await failing({ source: { table, guidColumn: 'id` FROM x; --' } })).toMatchObject({ setting: 'channel.source.guidColumn' });
      });
      it('syntax errors in the query, the filter and the exclusion filter', async () => {
        expect(await failing({ source: { query: 'SELECT id, FROM nowhere', guidColumn: 'id' } })).toMatchObject({ setting: 'channel.source.query', message: expect.stringMatching(/syntax/i) });
        expect(await failing({ source: { table, guidColumn: 'id' }, filter: "dept = = 'x'" })).toMatchObject({ setting: 'channel.location.filter', message: expect.stringMatching(/syntax/i) });
        expect((await failing({ source: { table, guidColumn: 'id' }, filter: "nope = 'x'" })).setting).toBe('channel.location.filter');
        expect((await failing({ source: { table, guidColumn: 'id' }, filter: "dept = 'x'; DELETE FROM people" })).setting).toBe('channel.location.filter');
        expect((await failing({ source: { table, guidColumn: 'id' }, exclusion: { filter: 'dept IN (' } })).setting).toBe('channel.exclusion.filter');
      });
      it('read() fails with the same attribution', async () => {
        const source = open({ source: { table: `${table}_missing`, guidColumn: 'id' } });
        const error = await readAll(source, { mode: 'full' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SqlDatastoreError);
        expect(error).toMatchObject({ setting: 'channel.source.table', transient: false });
      });
      if (!/sqlite/i.test(name)) {
        it('wrong password, unknown database and unreachable server', async () => {
          const wrong = await failing({ source: { table, guidColumn: 'id' } }, { password: 'Wr0ng-S3cret!' });
          expect(wrong.setting).toBe('datastore.password');
          expect(JSON.stringify(wrong)).not.toContain('Wr0ng-S3cret!');
          expect((await failing({ source: { table, guidColumn: 'id' } }, { database: 'outbound_nope' })).setting).toBe('datastore.database');
          const port = await freePort();
          expect(await failing({ source: { table, guidColumn: 'id' } }, { port })).toMatchObject({ setting: 'datastore.host', message: expect.stringMatching(/connection refused/) });
        });
      } else {
        it('missing database file', async () => {
          expect((await failing({ source: { table, guidColumn: 'id' } }, { filename: '/nonexistent/outbound.sqlite' })).setting).toBe('datastore.filename');
        });
      }
    });
  });
}
