/**
 * A mapping, scope or source-settings change (a new config version) makes the next cycle a full
 * reconcile that re-maps everyone and sends only what differs; real Temporal, state store and
 * Concur simulator.
 */
import { DEFAULT_MAPPING, EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const CH = `cfg-${Date.now().toString(36)}`;
type SimUser = { userName: string; nickName?: string };
const simUsers = () => h.simulator.users() as unknown as SimUser[];
const mapping = DEFAULT_MAPPING;

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 5; i++) h.directory.put(person(i));
  await h.configure(CH, { mapping });
  const activation = await h.control.activate(CH);
  if (!activation.ok) throw new Error(JSON.stringify(activation.checks));
  await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle);
}, 120_000);
afterAll(() => h.stop(), 60_000);

describe('config change', () => {
  it('the first cycle is full (first-cycle); an unchanged config keeps cycles incremental', async () => {
    expect((await h.control.status(CH)).lastCycle).toMatchObject({ mode: 'full', modeReason: 'first-cycle', counts: expect.objectContaining({ create: 5 }) });
    // Settings that do not change what users map to do not force a full read.
    await h.configure(CH, { mapping, intervalSeconds: 1800 });
    expect(await h.sync(CH)).toMatchObject({ mode: 'incremental', counts: expect.objectContaining({ read: 0 }) });
  });

  it('a newly mapped field makes the next cycle a full reconcile that updates every existing user, recorded as config-changed', async () => {
    await h.configure(CH, { mapping: { ...mapping, nickName: { source: 'uid' } } });
    const summary = await h.sync(CH);
    expect(summary).toMatchObject({ mode: 'full', modeReason: 'config-changed' });
    expect(summary.counts).toMatchObject({ read: 5, update: 5, succeeded: 5, create: 0 });
    expect(simUsers().map((u) => u.nickName).sort()).toEqual(['user00001', 'user00002', 'user00003', 'user00004', 'user00005']);
    const [record] = await h.store.listCycles(CH, 1);
    expect(record).toMatchObject({ mode: 'full', modeReason: 'config-changed' });
    // Committed: the next cycle is incremental again and sends nothing.
    expect(await h.sync(CH)).toMatchObject({ mode: 'incremental', counts: expect.objectContaining({ update: 0 }) });
  });

  it('an exclusion (scope) change re-evaluates everyone too', async () => {
    await h.configure(CH, { mapping: { ...mapping, nickName: { source: 'uid' } }, exclusion: { dns: [person(5).dn] } });
    const summary = await h.sync(CH);
    expect(summary).toMatchObject({ mode: 'full', modeReason: 'config-changed' });
    expect(summary.counts).toMatchObject({ read: 5, excluded: 1, update: 0 });
  });
});
