/**
 * An empty scope is never a silent success: activation with nothing in scope fails naming the
 * setting; a full read that suddenly finds nothing while the channel manages users is held by
 * the mass-change guard whatever its limits; and deactivation works even while a cycle waits.
 */
import { LdapDatastoreError } from '../../../src/datastores/ldap-datastore-error';
import { channelWorkflowId } from '../../../src/workflows/workflow-ids';
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const run = Date.now().toString(36);
type SimUser = { userName: string; active: boolean };
const simUsers = () => h.simulator.users() as unknown as SimUser[];

beforeAll(() => h.start(), 120_000);
afterAll(() => h.stop(), 60_000);

it('refuses activation when no entry is in scope, naming the setting', async () => {
  const ch = `empty-${run}`;
  await h.configure(ch);
  const result = await h.control.activate(ch);
  expect(result.ok).toBe(false);
  expect(result.checks.filter((c) => !c.ok)).toEqual([
    { name: 'source-filter', ok: false, setting: 'channel.location.filter', message: '0 entries in scope: check channel.location.filter' },
  ]);
  expect(result.channelWorkflowId).toBeUndefined();
}, 60_000);

it('holds a full read that finds nothing whatever the limits, and deactivation ends the waiting cycle', async () => {
  const ch = `vanish-${run}`;
  for (let i = 1; i <= 5; i++) h.directory.put(person(i));
  // Limits that would let every removal through.
  await h.configure(ch, { guard: { maxRemovals: 100000, maxRemovalPercent: 100 } });
  expect((await h.control.activate(ch)).ok).toBe(true);
  await eventually('first cycle', async () => (await h.control.status(ch)).lastCycle?.counts.succeeded === 5, 60_000);

  for (let i = 1; i <= 5; i++) h.directory.remove(person(i).guid);
  const { workflowId } = await h.control.syncNow(ch, { mode: 'full' });
  const waiting = await eventually('awaiting approval', async () => {
    const s = await h.control.status(ch);
    return s.progress?.phase === 'awaiting-approval' ? s : undefined;
  });
  expect(waiting.progress?.guard).toMatchObject({ removals: 5, managed: 5, limit: 'the source returned no entries while 5 users are managed' });
  expect(simUsers().filter((u) => u.active && /^user0000[1-5]@/.test(u.userName))).toHaveLength(5);

  // Deactivate while the cycle waits: the cycle ends unapproved and the channel stops.
  await h.control.deactivate(ch);
  await expect(h.client.workflow.getHandle(workflowId).result()).resolves.toMatchObject({ outcome: 'rejected' });
  await expect(h.client.workflow.getHandle(channelWorkflowId(ch)).result()).resolves.toMatchObject({ stopped: true });
  expect(simUsers().filter((u) => u.active && /^user0000[1-5]@/.test(u.userName))).toHaveLength(5);
}, 120_000);

it('a source fault no retry can fix fails the cycle at once as config-error; the channel stays up and recovers', async () => {
  const ch = `badsrc-${run}`;
  h.directory.put(person(20));
  await h.configure(ch);
  h.directory.readError = new LdapDatastoreError('channel.location.baseDn', 'no such object', false);
  const readsBefore = h.directory.reads.length;
  try {
    expect((await h.control.activate(ch)).ok).toBe(true);
    const failed = await eventually('the channel in error', async () => {
      const s = await h.control.status(ch);
      return s.phase === 'error' ? s : undefined;
    }, 60_000);
    expect(failed.lastFailure).toMatchObject({ reason: 'config-error', type: 'ConfigError', message: 'channel.location.baseDn: no such object' });
    expect(h.directory.reads.length - readsBefore).toBe(1); // not retried
  } finally {
    h.directory.readError = undefined;
  }
  const summary = await h.sync(ch);
  expect(summary.outcome).toBe('succeeded');
  // The channel records the cycle's end right after the cycle returns.
  const after = await eventually('the error cleared', async () => {
    const s = await h.control.status(ch);
    return s.lastCycle?.cycleNo === summary.cycleNo ? s : undefined;
  });
  expect(after.lastFailure).toBeUndefined();
  expect(after.phase).not.toBe('error');
  await h.control.deactivate(ch);
}, 120_000);
