/**
 * Nothing is dropped: Spend/Travel provisions still pending when the cycle stops waiting (here:
 * the channel is deactivated meanwhile) leave their users' hashes unsaved, so the next cycle
 * sends them again instead of calling them unchanged.
 */
import { channelWorkflowId } from '../../../src/workflows/workflow-ids';
import { EngineHarness, eventually, SPEND_MAPPING } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const CH = `pending-${Date.now().toString(36)}`;

beforeAll(async () => {
  // UPS that never completes a provision.
  await h.start({ simulator: { provisionDelayMs: 3_600_000, provisionPolls: 1_000_000 } });
  for (let i = 1; i <= 3; i++) h.directory.put(person(i));
  await h.configure(CH, { mapping: SPEND_MAPPING });
}, 120_000);
afterAll(() => h.stop(), 60_000);

const bulkPosts = () => h.simulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/Bulk')).length;

async function runUntilAwaitingExtensions(): Promise<string> {
  const status = await eventually('awaiting extensions', async () => {
    const s = await h.control.status(CH);
    return s.progress?.phase === 'awaiting-extensions' ? s : undefined;
  }, 60_000);
  return status.currentCycle!.workflowId;
}

it('re-sends users whose provision was still pending when the cycle stopped waiting', async () => {
  expect((await h.control.activate(CH)).ok).toBe(true);
  const first = await runUntilAwaitingExtensions();
  expect(bulkPosts()).toBe(1);
  await h.control.deactivate(CH);
  await expect(h.client.workflow.getHandle(first).result()).resolves.toMatchObject({ outcome: 'partial', counts: { create: 3 } });
  await h.client.workflow.getHandle(channelWorkflowId(CH)).result();
  for (let i = 1; i <= 3; i++) {
    const user = await h.store.getUser(CH, person(i).guid);
    expect(user).toMatchObject({ status: 'active' });
    expect(user?.concurId).toBeDefined();
    expect(user?.lastHash).toBeUndefined();
  }

  // The next cycle sends them again (identity update and a new UPS provision), not "unchanged".
  expect((await h.control.activate(CH)).ok).toBe(true);
  const second = await runUntilAwaitingExtensions();
  expect(second).not.toBe(first);
  expect((await h.control.status(CH)).progress?.counts).toMatchObject({ create: 0, update: 3, unchanged: 0 });
  expect(bulkPosts()).toBe(2);
  await h.control.deactivate(CH);
  await h.client.workflow.getHandle(channelWorkflowId(CH)).result();
}, 180_000);
