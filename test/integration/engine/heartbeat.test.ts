/**
 * Activities heartbeat wherever the time goes: a look-up search before creates that takes longer
 * than the 15 s heartbeat timeout must not make Temporal start a second attempt of the batch
 * beside the first (which would search and create again in parallel).
 */
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';
import { cycleWorkflowId } from '../../../src/workflows/workflow-ids';

const h = new EngineHarness();
const run = Date.now().toString(36);

beforeAll(() => h.start(), 120_000);
afterAll(() => h.stop(), 60_000);

it('a look-up search slower than the heartbeat timeout runs once: one batch attempt, no duplicate', async () => {
  const ch = `slow-lookup-${run}`;
  for (let i = 1; i <= 3; i++) h.directory.put(person(i));
  await h.configure(ch, { timeoutMs: 60_000 }, { timeoutMs: 60_000 });
  const activation = await h.control.activate(ch);
  expect(activation.ok).toBe(true);
  // Only the look-up before creates is slow: 20 s, beyond the 15 s heartbeat timeout.
  h.simulator.setFaults({ latencyMs: 20_000, pathPrefixes: ['/profile/identity/v4.1/Users/.search'] });
  const status = await eventually('first cycle', async () => (await h.control.status(ch)).lastCycle, 120_000);
  h.simulator.setFaults({});
  expect(status.counts).toMatchObject({ create: 3, succeeded: 3, failed: 0 });
  const searches = h.simulator.requests().filter((r) => r.path.endsWith('/Users/.search'));
  expect(searches).toHaveLength(1);
  expect(h.simulator.users().length).toBe(3);
  // The batch activity ran once: no attempt 2 was started beside attempt 1.
  const history = await h.client.workflow.getHandle(cycleWorkflowId(ch, 1)).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts: number[] = [];
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === 'applyBatch') attempts.push(started.attempt ?? 0);
  }
  expect(attempts).toEqual([1]);
}, 150_000);
