/**
 * Retention of personal data at rest: the retention workflow, run by the real worker on the
 * real Temporal dev server, deletes cycles, plan items and audit rows older than the setting
 * and keeps newer ones and the provisioner state.
 */
import { retentionDaysFrom } from '../../../src/config/settings';
import { RETENTION_WORKFLOW_ID, startRetention } from '../../../src/worker/retention-start';
import { EngineHarness, eventually } from '../../support/engine-harness';

const h = new EngineHarness();

beforeAll(() => h.start(), 120_000);
afterAll(() => h.stop(), 60_000);

it('deletes history older than the retention period, keeps the rest; a second start attaches', async () => {
  const day = 24 * 3600_000;
  const store = h.store;
  const old = await store.startCycle('ret', 'full', false);
  const recent = await store.startCycle('ret', 'full', false);
  await store.db('cycles').where({ id: old.id }).update({ finished_at: new Date(Date.now() - 91 * day), outcome: 'succeeded' });
  await store.db('cycles').where({ id: recent.id }).update({ finished_at: new Date(Date.now() - 89 * day), outcome: 'succeeded' });
  for (const cycle of [old, recent]) {
    await store.addPlanItems([{ cycleId: cycle.id, seq: 0, guid: `g-${cycle.id}`, action: 'create', reason: 'new', batchNo: 0 }]);
  }
  await store.appendAudit([
    { channelId: 'ret', guid: 'g-old', cycleId: old.id, at: new Date(Date.now() - 100 * day), action: 'create', outcome: 'succeeded', reason: 'new' },
    { channelId: 'ret', guid: 'g-new', cycleId: recent.id, at: new Date(Date.now() - day), action: 'create', outcome: 'succeeded', reason: 'new' },
  ]);
  await store.upsertUsers([{ channelId: 'ret', guid: 'g-old', status: 'active', concurId: 'c-old' }]);

  const id = await startRetention(h.client, { retentionDays: retentionDaysFrom({}), taskQueue: h.taskQueue, everyMs: 3600_000 });
  await eventually('old history purged', async () => (await store.db('cycles').where({ id: old.id }).first()) === undefined, 60_000);
  expect(await store.db('plan_items').where({ cycle_id: old.id }).count({ n: '*' })).toEqual([{ n: 0 }]);
  expect((await store.db('audit').where({ channel_id: 'ret' }).select('guid')).map((r: { guid: string }) => r.guid)).toEqual(['g-new']);
  expect(await store.db('cycles').where({ id: recent.id }).first()).toBeDefined();
  expect((await store.listPlanItems(recent.id)).length).toBe(1);
  expect((await store.getUsers('ret', ['g-old'])).get('g-old')).toMatchObject({ status: 'active', concurId: 'c-old' });

  // A restarted worker attaches to the running workflow instead of starting another.
  expect(await startRetention(h.client, { retentionDays: 90, taskQueue: h.taskQueue })).toBe(id);
  expect(id.startsWith(RETENTION_WORKFLOW_ID)).toBe(true);
  await h.client.workflow.getHandle(id).terminate('test done');
}, 120_000);

it('OUTBOUND_RETENTION_DAYS: default 90, bounded, refused naming the variable', () => {
  expect(retentionDaysFrom({})).toBe(90);
  expect(retentionDaysFrom({ OUTBOUND_RETENTION_DAYS: '30' })).toBe(30);
  for (const bad of ['0', '3651', '1.5', 'ninety']) expect(() => retentionDaysFrom({ OUTBOUND_RETENTION_DAYS: bad })).toThrow(/OUTBOUND_RETENTION_DAYS/);
});
