/**
 * PingFederate's provisioning options (userCreate, userUpdate, userDisableDelete) and Remove User
 * Action (disable | delete, with Concur's refusal to delete users with history) end to end on
 * real Temporal, a real state store and the Concur simulator.
 */
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const CH = `opts-${Date.now().toString(36)}`;
type SimUser = { id: string; userName: string; active: boolean; title?: string };
const simUsers = () => h.simulator.users() as unknown as SimUser[];
const byUserName = (n: number) => simUsers().find((u) => u.userName === `user${String(n).padStart(5, '0')}@example.com`);
const writesSince = (mark: number) => h.simulator.requests().slice(mark).filter((r) => r.method !== 'GET' && !r.path.endsWith('.search'));
const guard = { maxRemovals: 100, maxRemovalPercent: 100 };

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 6; i++) h.directory.put(person(i));
  await h.configure(CH, { userCreate: false, guard });
  const activation = await h.control.activate(CH);
  if (!activation.ok) throw new Error(JSON.stringify(activation.checks));
  await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle);
}, 120_000);
afterAll(() => h.stop(), 60_000);

describe('provisioning options', () => {
  it('userCreate off: nothing is created; each user gets a warning row and the cycle counts the held-back creates', async () => {
    const first = (await h.control.status(CH)).lastCycle!;
    expect(first.counts).toMatchObject({ read: 6, create: 0, heldBack: 6 });
    const mark = h.simulator.requests().length;
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ read: 6, create: 0, heldBack: 6 });
    expect(writesSince(mark)).toHaveLength(0);
    expect(simUsers()).toHaveLength(0);
    const audit = await h.store.listAudit(CH, { guid: person(1).guid, limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'create', outcome: 'warning', reason: 'held back: userCreate is off' });
  });

  it('userCreate on again: the users are created', async () => {
    await h.configure(CH, { guard });
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ create: 6, succeeded: 6, heldBack: 0 });
    expect(simUsers()).toHaveLength(6);
  });

  it('userUpdate off: neither updates nor re-enabling a disabled user are sent', async () => {
    h.directory.update(person(2).guid, { enabled: false });
    expect((await h.sync(CH)).counts).toMatchObject({ disable: 1, succeeded: 1 });
    await h.configure(CH, { userUpdate: false, guard });
    h.directory.update(person(1).guid, { attributes: { title: ['Principal Engineer'] } });
    h.directory.update(person(2).guid, { enabled: true });
    const mark = h.simulator.requests().length;
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ update: 0, reactivate: 0, heldBack: 2 });
    expect(writesSince(mark)).toHaveLength(0);
    expect(byUserName(1)?.title).toBe('Engineer');
    expect(byUserName(2)?.active).toBe(false);
    const audit = await h.store.listAudit(CH, { guid: person(2).guid, limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'reactivate', outcome: 'warning', reason: 'held back: userUpdate is off' });
  });

  it('userDisableDelete off: users who left the source stay active in Concur', async () => {
    await h.configure(CH, { userUpdate: true, userDisableDelete: false, guard });
    h.directory.remove(person(3).guid);
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ disable: 0, heldBack: 1, update: 1, reactivate: 1 });
    expect(byUserName(3)?.active).toBe(true);
    expect(byUserName(1)?.title).toBe('Principal Engineer');
    expect(byUserName(2)?.active).toBe(true);
  });
});

describe('remove user action', () => {
  it('delete: a user who left the source, and one disabled there, are deleted from Concur', async () => {
    await h.configure(CH, { removeAction: 'delete', guard });
    h.directory.update(person(4).guid, { enabled: false });
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ delete: 2, succeeded: 2 });
    expect(byUserName(3)).toBeUndefined();
    expect(byUserName(4)).toBeUndefined();
  });

  it('a delete Concur refuses (history) falls back to disable, is audited with the reason, and is not tried again', async () => {
    h.simulator.setHistory(byUserName(5)!.id, true);
    h.directory.remove(person(5).guid);
    const summary = await h.sync(CH, { mode: 'full' });
    expect(summary.counts).toMatchObject({ delete: 1, succeeded: 1, failed: 0 });
    expect(byUserName(5)).toMatchObject({ active: false });
    const audit = await h.store.listAudit(CH, { guid: person(5).guid, limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'disable', outcome: 'succeeded', reason: expect.stringContaining('Concur refused the delete, disabled instead') });
    expect(audit[0].message).toMatch(/history/);
    const mark = h.simulator.requests().length;
    expect((await h.sync(CH, { mode: 'full' })).counts).toMatchObject({ delete: 0, disable: 0 });
    expect(writesSince(mark).filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });
});
