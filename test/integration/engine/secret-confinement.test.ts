/**
 * Secret references are confined when resolved too: a stored configuration that never went
 * through the API's validation (written before the policy, or straight into the store) cannot
 * make the worker read an arbitrary variable or file, or another object's vault entry.
 */
import { EngineHarness, DEMO_TOKEN } from '../../support/engine-harness';
import { person } from '../../support/memory-source';
import { parseSecretRef } from '../../../src/store/secret-reference';

const h = new EngineHarness();
const run = Date.now().toString(36);

beforeAll(async () => {
  await h.start();
  h.directory.put(person(1));
}, 120_000);
afterAll(() => h.stop(), 60_000);

const credentials = async (channelId: string) => {
  const result = await h.control.activate(channelId);
  expect(result.ok).toBe(false);
  return result.checks.find((c) => c.name === 'target-credentials')!;
};

it('refuses an env: reference outside the allowed names, naming the field, not the value', async () => {
  process.env.OUTBOUND_TEST_FOREIGN = 'foreign-secret-value';
  const ch = `env-${run}`;
  await h.configure(ch, {}, { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:OUTBOUND_TEST_FOREIGN' } });
  const check = await credentials(ch);
  expect(check.ok).toBe(false);
  expect(check.message).toContain(`connection:${ch}-concur auth.accessToken`);
  expect(check.message).toContain('env:OUTBOUND_TEST_FOREIGN is not allowed');
  expect(JSON.stringify(check)).not.toContain('foreign-secret-value');
  // Nothing was sent: the simulator saw no request carrying the variable.
  expect(JSON.stringify(h.simulator.requests())).not.toContain('foreign-secret-value');
  delete process.env.OUTBOUND_TEST_FOREIGN;
}, 60_000);

it('refuses a file: reference outside the secrets directory', async () => {
  const ch = `file-${run}`;
  await h.configure(ch, {}, { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'file:/etc/hostname' } });
  const check = await credentials(ch);
  expect(check.message).toContain(`connection:${ch}-concur auth.accessToken`);
  expect(check.message).toMatch(/file: references must be inside the secrets directory/);
}, 60_000);

it("refuses another object's vault entry, and resolves the object's own", async () => {
  const owner = `own-${run}`;
  await h.configure(owner); // the literal token goes into the vault, owned by this connection
  expect((await h.control.activate(owner)).ok).toBe(true);
  const stored = (await h.store.getConnection(`${owner}-concur`))!;
  const ref = (stored.auth as { accessToken: string }).accessToken;
  expect(parseSecretRef(ref).kind).toBe('vault');

  const thief = `thief-${run}`;
  await h.configure(thief, {}, { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: ref } });
  const check = await credentials(thief);
  expect(check.message).toContain(`connection:${thief}-concur auth.accessToken`);
  expect(check.message).toContain('belongs to another object');
  expect(JSON.stringify(check)).not.toContain(DEMO_TOKEN);
  await h.control.deactivate(owner);
}, 90_000);
