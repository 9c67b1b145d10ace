/**
 * Spend fields go through Concur's User Provisioning Service: submitted in bulk after the
 * identity writes, awaited by the cycle with durable timers, results recorded per user.
 */
import { EngineHarness, eventually, SPEND_MAPPING } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
const h = new EngineHarness();
const CH = `spend-${Date.now().toString(36)}`;

beforeAll(async () => {
  await h.start({ simulator: { provisionDelayMs: 50 } });
  for (let i = 1; i <= 12; i++) h.directory.put(person(i));
  await h.configure(CH, {
    mapping: { ...SPEND_MAPPING, 'spend.custom1': { source: 'title' } },
  });
}, 120_000);
afterAll(() => h.stop(), 60_000);

it('writes Spend fields through UPS after creating the users, and records the outcome', async () => {
  const activation = await h.control.activate(CH);
  expect(activation.ok).toBe(true);
  const cycle = await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle, 120_000);
  expect(cycle.counts).toMatchObject({ create: 12, succeeded: 12, failed: 0 });
  const users = h.simulator.users() as unknown as Array<Record<string, unknown>>;
  expect(users).toHaveLength(12);
  for (const u of users) expect(u[SPEND]).toMatchObject({ reimbursementCurrency: 'EUR', country: 'DE', ledgerCode: 'SAP-DE' });
  // One Bulk request for the batch, not one per user; its status polled, not waited on in a thread.
  const bulk = h.simulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/Bulk'));
  expect(bulk).toHaveLength(1);
  expect(h.simulator.requests().some((r) => r.method === 'GET' && /\/provisions\/[^/]+\/status(\?|$)/.test(r.path))).toBe(true);
});
