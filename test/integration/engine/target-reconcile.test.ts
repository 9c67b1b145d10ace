/**
 * Target reconciliation on real Temporal, a real state store and the Concur simulator: users
 * deleted or edited in Concur by hand are restored, orphans are listed and left alone, the dry
 * run shows the diff, and the mass-change guard covers the repairs.
 */
import { DEMO_TOKEN, EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';
import { call, ID, PATCH_OP, userBody } from '../simulator/sim-client';

const h = new EngineHarness();
const CH = `tgt-${Date.now().toString(36)}`;
type SimUser = { id: string; userName: string; active: boolean; title?: string };
const simUsers = () => h.simulator.users() as unknown as SimUser[];
const byUserName = (n: number) => simUsers().find((u) => u.userName === `user${String(n).padStart(5, '0')}@example.com`);
const writesSince = (mark: number) => h.simulator.requests().slice(mark).filter((r) => r.method !== 'GET' && !r.path.endsWith('.search'));
const sim = (method: string, path: string, body?: unknown) => call(h.simulator.url, method, path, { token: DEMO_TOKEN, body });
let orphanId: string;

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 6; i++) h.directory.put(person(i));
  await h.configure(CH, { guard: { maxRemovals: 100, maxRemovalPercent: 100 } });
  const activation = await h.control.activate(CH);
  if (!activation.ok) throw new Error(JSON.stringify(activation.checks));
  await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle);
  // Drift made by hand in Concur: one user deleted, one edited, one account nobody manages.
  expect((await sim('DELETE', `${ID}/Users/${byUserName(1)!.id}`)).status).toBe(204);
  const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Edited By Hand' }] };
  expect((await sim('PATCH', `${ID}/Users/${byUserName(2)!.id}`, patch)).status).toBe(200);
  const orphan = await sim('POST', `${ID}/Users`, userBody('orphan'));
  expect(orphan.status).toBe(200);
  orphanId = orphan.body.id;
}, 120_000);
afterAll(() => h.stop(), 60_000);

describe('target reconciliation', () => {
  it('ordinary full cycles trust the state store and do not see the drift', async () => {
    expect((await h.sync(CH, { mode: 'full' })).counts).toMatchObject({ create: 0, update: 0, unchanged: 6 });
    expect(byUserName(1)).toBeUndefined();
  });

  it('the dry run shows re-creates, repairs and orphans and writes nothing', async () => {
    const mark = h.simulator.requests().length;
    const summary = await h.sync(CH, { mode: 'target', dryRun: true });
    expect(summary).toMatchObject({ mode: 'full', modeReason: 'target-reconcile', outcome: 'planned' });
    expect(summary.counts).toMatchObject({ create: 1, update: 1, repair: 2, orphans: 1 });
    expect(writesSince(mark)).toHaveLength(0);
    const plan = await h.store.listPlanItems(summary.cycleId);
    expect(plan.map((p) => [p.guid, p.action, p.reason]).sort()).toEqual([
      [person(1).guid, 'create', 'missing in Concur'],
      [person(2).guid, 'update', 'drifted in Concur: title'],
    ]);
  });

  it('the mass-change guard covers the repairs', async () => {
    await h.configure(CH, { guard: { maxRemovals: 1, maxRemovalPercent: 100 } });
    const { cycleNo, workflowId } = await h.control.syncNow(CH, { mode: 'target' });
    await eventually('awaiting approval', async () => (await h.control.status(CH)).progress?.phase === 'awaiting-approval');
    await h.control.approve(CH, cycleNo, false);
    expect(await h.client.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'rejected' });
    expect(byUserName(1)).toBeUndefined();
  });

  it('sync --mode target re-creates the missing user, repairs the drifted field and leaves the orphan alone', async () => {
    await h.configure(CH, { guard: { maxRemovals: 100, maxRemovalPercent: 100 } });
    const summary = await h.sync(CH, { mode: 'target' });
    expect(summary).toMatchObject({ mode: 'full', modeReason: 'target-reconcile', outcome: 'succeeded' });
    expect(summary.counts).toMatchObject({ create: 1, update: 1, repair: 2, orphans: 1, succeeded: 2 });
    expect(byUserName(1)).toMatchObject({ active: true });
    expect(byUserName(2)?.title).toBe('Engineer');
    expect(simUsers().find((u) => u.id === orphanId)).toMatchObject({ active: true, userName: 'userorphan@example.org' });
    const audit = await h.store.listAudit(CH, { guid: `concur:${orphanId}`, limit: 5 });
    expect(audit[0]).toMatchObject({ outcome: 'warning', reason: expect.stringContaining('orphan') });
    // Nothing left to repair.
    expect((await h.sync(CH, { mode: 'target' })).counts).toMatchObject({ create: 0, update: 0, repair: 0, orphans: 1 });
  });

  it('orphanAction disable (opted in) disables orphans but never the excluded administrator, and keeps no provisioner row for them', async () => {
    const adminDn = 'uid=concur-admin,ou=people,dc=example,dc=com';
    h.directory.put(person(999, { dn: adminDn, attributes: { ...person(999).attributes, mail: ['concur-admin@example.com'] } }));
    const admin = await sim('POST', `${ID}/Users`, userBody('admin', { userName: 'concur-admin@example.com', emails: [{ type: 'work', value: 'concur-admin@example.com' }] }));
    expect(admin.status).toBe(200);
    await h.configure(CH, { guard: { maxRemovals: 100, maxRemovalPercent: 100 }, orphanAction: 'disable' });
    const summary = await h.sync(CH, { mode: 'target' });
    expect(summary.counts).toMatchObject({ orphans: 1, disable: 1, succeeded: 1, excluded: 1 });
    expect(simUsers().find((u) => u.id === orphanId)).toMatchObject({ active: false });
    expect(simUsers().find((u) => u.id === admin.body.id)).toMatchObject({ active: true });
    expect(await h.store.getUser(CH, `concur:${orphanId}`)).toBeUndefined();
    // Already disabled: listed again, not written again.
    expect((await h.sync(CH, { mode: 'target' })).counts).toMatchObject({ orphans: 1, disable: 0 });
    await h.configure(CH, { guard: { maxRemovals: 100, maxRemovalPercent: 100 } });
  });

  it('after Concur lost every user (a simulator restarted without its data), a target cycle re-creates them all', async () => {
    h.simulator.reset();
    expect((await h.sync(CH, { mode: 'full' })).counts).toMatchObject({ create: 0, unchanged: 6 });
    const summary = await h.sync(CH, { mode: 'target' });
    expect(summary.counts).toMatchObject({ create: 6, repair: 6, succeeded: 6, orphans: 0, excluded: 1 });
    expect(simUsers()).toHaveLength(6);
  });

  it('runs by itself every N full cycles (targetReconcileEvery)', async () => {
    await h.configure(CH, { guard: { maxRemovals: 100, maxRemovalPercent: 100 }, targetReconcileEvery: 2 });
    expect((await h.sync(CH, { mode: 'full' })).modeReason).not.toBe('target-reconcile');
    expect(await h.sync(CH, { mode: 'full' })).toMatchObject({ modeReason: 'target-reconcile' });
    expect((await h.sync(CH, { mode: 'full' })).modeReason).not.toBe('target-reconcile');
  });
});
