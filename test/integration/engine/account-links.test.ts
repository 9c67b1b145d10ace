/**
 * Never two source entries on one Concur account: an account is linked only when it is provably
 * the entry's (employeeNumber), a userName held by someone else is a conflict that fails the entry
 * alone (naming `userName`, never its value), and the channel opt-in links by userName only
 * accounts without any employeeNumber. The same rule holds in cycles and on demand.
 */
import { SCHEMA_ENTERPRISE } from '../../../src/domain/concur-user';
import type { ConcurConnector } from '../../../src/targets/concur/concur-connector';
import { createConcurConnector } from '../../../src/targets/concur/concur-connector-factory';
import { desiredUser, secrets } from '../../unit/concur/support/mock-concur';
import { DEMO_TOKEN, EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
const CH = `links-${Date.now().toString(36)}`;
let seeder: ConcurConnector;
type SimUser = { id: string; userName: string; [k: string]: unknown };
const simUsers = () => h.simulator.users() as unknown as SimUser[];
const employeeNumber = (u: SimUser | undefined) => (u?.[SCHEMA_ENTERPRISE] as { employeeNumber?: string } | undefined)?.employeeNumber;

beforeAll(async () => {
  await h.start();
  seeder = createConcurConnector(
    { id: 'seed', template: 'concur', baseUrl: h.simulator.url, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:TOKEN' }, requiredFields: [], timeoutMs: 5000, maxConnections: 2 },
    { secrets: secrets({ 'env:TOKEN': DEMO_TOKEN }) },
  );
}, 120_000);
afterAll(async () => {
  await seeder?.close();
  await h.stop();
}, 60_000);

it('links only provable accounts; a userName held by another is a conflict, in cycles and on demand', async () => {
  const name = (n: number) => `user${String(n).padStart(5, '0')}@example.com`;
  // Another person (another employeeNumber) already has user00001's mail as userName.
  const other = await seeder.ensureUser(desiredUser({ userName: name(1), emails: [{ type: 'work', value: name(1) }], enterprise: { employeeNumber: 'OTHER-1' } }));
  // An account left by another provisioner, without employeeNumber, holds user00003's.
  const legacy = await seeder.ensureUser(desiredUser({ userName: name(3), emails: [{ type: 'work', value: name(3) }], enterprise: {} }));
  expect(employeeNumber(simUsers().find((u) => u.id === legacy.id))).toBeUndefined();
  for (const n of [1, 2, 3]) h.directory.put(person(n));
  await h.configure(CH);

  expect((await h.control.activate(CH)).ok).toBe(true);
  const first = await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle, 120_000);
  expect(first.counts).toMatchObject({ create: 3, succeeded: 1, failed: 2 });

  // Nobody was taken over: the accounts keep their employeeNumbers, no second account was made.
  expect(employeeNumber(simUsers().find((u) => u.id === other.id))).toBe('OTHER-1');
  expect(employeeNumber(simUsers().find((u) => u.id === legacy.id))).toBeUndefined();
  expect(simUsers().filter((u) => u.userName === name(1))).toHaveLength(1);
  for (const n of [1, 3]) {
    const user = await h.store.getUser(CH, person(n).guid);
    expect(user).toMatchObject({ status: 'failed' });
    expect(user?.concurId).toBeUndefined();
    expect(user?.lastError).toMatch(/^userName: held by a Concur user/);
    expect(user?.lastError).not.toContain(name(n));
  }
  expect((await h.store.getUser(CH, person(2).guid))?.status).toBe('active');

  // On demand: the same rule.
  const onDemand = await h.control.provisionNow(CH, person(1).guid);
  expect(onDemand).toMatchObject({ action: 'create', outcome: 'failed' });
  expect(onDemand.message).toMatch(/^userName: held by a Concur user with another employeeNumber/);

  // The migration opt-in links the account without employeeNumber, never the one with another.
  await h.configure(CH, { linkByUserName: true });
  await expect(h.control.provisionNow(CH, person(3).guid)).resolves.toMatchObject({ action: 'create', outcome: 'succeeded', concurId: legacy.id });
  expect(employeeNumber(simUsers().find((u) => u.id === legacy.id))).toBe('E00003');
  await expect(h.control.provisionNow(CH, person(1).guid)).resolves.toMatchObject({ outcome: 'failed' });
  expect(employeeNumber(simUsers().find((u) => u.id === other.id))).toBe('OTHER-1');
}, 180_000);

it('two entries mapping to one userName: planning fails all but one, by a rule that does not flip', async () => {
  const shared = 'shared.mailbox@example.com';
  const withMail = (n: number, mail: string) => person(n, { attributes: { ...person(n).attributes, mail: [mail] } });
  const usersPosts = () => h.simulator.requests().filter((r) => r.method === 'POST' && /\/Users$/.test(r.path)).length;
  h.directory.put(withMail(11, shared));
  h.directory.put(withMail(10, shared));
  const posts = usersPosts();
  const first = await h.sync(CH, { mode: 'full' });
  expect(first.counts).toMatchObject({ create: 2, succeeded: 1, failed: 1 });
  // One create sent, none bound to collide; the GUID that sorts first got the account.
  expect(usersPosts() - posts).toBe(1);
  const holders = simUsers().filter((u) => u.userName === shared);
  expect(holders).toHaveLength(1);
  expect(employeeNumber(holders[0])).toBe('E00010');
  const loser = await h.store.getUser(CH, person(11).guid);
  expect(loser).toMatchObject({ status: 'failed', lastErrorCode: 'USERNAME_CONFLICT' });
  expect(loser?.lastError).toMatch(/^userName: /);
  expect(loser?.lastError).not.toContain(shared);

  // An entry with a GUID sorting before the linked one's does not take it over, then or later.
  h.directory.put(withMail(9, shared));
  for (let i = 0; i < 2; i++) {
    const again = await h.sync(CH, { mode: 'full' });
    expect(again.counts.succeeded).toBe(0);
    expect((await h.store.getUser(CH, person(10).guid))?.concurId).toBe(holders[0].id);
    expect((await h.store.getUser(CH, person(9).guid))).toMatchObject({ status: 'failed', lastErrorCode: 'USERNAME_CONFLICT' });
  }
  expect(employeeNumber(simUsers().find((u) => u.id === holders[0].id))).toBe('E00010');
  expect(usersPosts() - posts).toBe(1);
}, 180_000);
