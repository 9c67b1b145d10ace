/** The channel workflow continues as new between cycles and carries its state across. */
import { channelWorkflowId } from '../../../src/workflows/workflow-ids';
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const CH = `can-${Date.now().toString(36)}`;

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 5; i++) h.directory.put(person(i));
  await h.configure(CH, { intervalSeconds: 1 });
}, 120_000);
afterAll(() => h.stop(), 60_000);

it('continues as new after each cycle (test hook), carrying cycle numbers, pause state and the last cycle', async () => {
  // Started directly with the test hook, as activation would start it otherwise.
  await h.client.workflow.start('channelWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: channelWorkflowId(CH),
    args: [{ channelId: CH, continueAsNewAfterCycles: 1 }],
  });
  await eventually('three cycles', async () => ((await h.control.status(CH)).lastCycle?.cycleNo ?? 0) >= 3);
  const runs: string[] = [];
  for await (const wf of h.client.workflow.list({ query: `WorkflowId = "${channelWorkflowId(CH)}"` })) runs.push(wf.runId);
  expect(runs.length).toBeGreaterThanOrEqual(3);

  await h.control.pause(CH);
  await eventually('paused', async () => (await h.control.status(CH)).phase === 'paused');
  h.directory.update(person(1).guid, { attributes: { title: ['Carried'] } });
  await h.control.resume(CH);
  const status = await eventually('the change applied after resume', async () => {
    const s = await h.control.status(CH);
    return s.lastCycle?.counts.update === 1 ? s : undefined;
  });
  expect(status.paused).toBe(false);

  // Cycle numbers continued across runs: contiguous, none reused.
  const numbers = (await h.store.listCycles(CH, 1000)).map((c) => c.cycleNo).sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  expect(status.nextCycleNo).toBeGreaterThan(numbers[numbers.length - 1]);
});
