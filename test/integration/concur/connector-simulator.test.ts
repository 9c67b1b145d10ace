/**
 * The connector against a real, listening Concur simulator (loopback): end-to-end flows, faults,
 * OAuth2 with rotation and geolocation, and every request checked against SAP's OpenAPI files.
 */
import { createServer, type AddressInfo } from 'node:net';
import { createConcurSimulator, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_COMPANY_ID, DEMO_REQUEST_TOKEN, DEMO_TOKEN, type ConcurSimulator } from '../../../simulators/concur';
import type { ConnectionConfig } from '../../../src/domain/config/connection-config';
import { SCHEMA_ENTERPRISE, SCHEMA_SPEND, SCHEMA_TRAVEL } from '../../../src/domain/concur-user';
import { operationOutcomes } from '../../../src/targets/concur/provision-status';
import type { ConcurConnector } from '../../../src/targets/concur/concur-connector';
import { createConcurConnector, type ConcurConnectorDeps } from '../../../src/targets/concur/concur-connector-factory';
import { ConcurExtensionError } from '../../../src/targets/concur/concur-errors';
import { InMemoryConcurTokenStore } from '../../../src/targets/concur/concur-token-store';
import { withRequestSignal } from '../../../src/targets/request-signal';
import { ContractValidator } from '../../unit/concur/support/openapi-contract';
import { desiredUser, secrets } from '../../unit/concur/support/mock-concur';

const contract = new ContractValidator();
const SECRETS = { 'env:TOKEN': DEMO_TOKEN, 'env:SECRET': DEMO_CLIENT_SECRET, 'env:CRT': DEMO_REQUEST_TOKEN };

let sim: ConcurSimulator;
let url: string;
const open: ConcurConnector[] = [];

function connection(overrides: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return {
    id: 'sim',
    template: 'concur',
    baseUrl: url,
    companyId: DEMO_COMPANY_ID,
    auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:TOKEN' },
    requiredFields: [],
    timeoutMs: 5000,
    maxConnections: 8,
    ...overrides,
  };
}

function connect(overrides: Partial<ConnectionConfig> = {}, deps: Partial<ConcurConnectorDeps> = {}): ConcurConnector {
  const c = createConcurConnector(connection(overrides), {
    secrets: secrets(SECRETS),
    retry: { baseDelayMs: 5, maxDelayMs: 100, maxAttempts: 6, maxElapsedMs: 30_000 },
    poll: { pollIntervalMs: 5, maxPollIntervalMs: 20 },
    ...deps,
  });
  open.push(c);
  return c;
}

function person(n: number, extra: Parameters<typeof desiredUser>[0] = {}, rest: Parameters<typeof desiredUser>[1] = {}) {
  return desiredUser(
    { userName: `user${n}@example.org`, emails: [{ type: 'work', value: `user${n}@example.org` }], name: { givenName: 'Test', familyName: `User${n}` }, enterprise: { employeeNumber: `E${n}` }, ...extra },
    rest,
  );
}

beforeAll(async () => {
  sim = createConcurSimulator({ provisionPolls: 0, provisionDelayMs: 0, logBodies: true });
  ({ url } = await sim.listen(0, '127.0.0.1'));
});

afterEach(async () => {
  try {
    const apiRequests = sim.requests().filter((r) => r.status !== 0 && !r.path.startsWith('/oauth2') && !r.path.startsWith('/_sim'));
    contract.checkAll(apiRequests.map((r) => ({ method: r.method, path: r.path, body: r.body })));
  } finally {
    await Promise.all(open.splice(0).map((c) => c.close()));
    sim.setFaults({});
    sim.reset();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

afterAll(async () => {
  await sim.close();
});

test('verify, create, link, update with clear/createOnly, disable, reactivate, delete', async () => {
  const c = connect();
  await expect(c.verifyCredentials()).resolves.toEqual({ ok: true });
  const created = await c.ensureUser(person(1, { title: 'Engineer', name: { givenName: 'Test', familyName: 'User1', middleName: 'Q' }, phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }], enterprise: { employeeNumber: 'E1', division: 'R&D' } }));
  expect(created.outcome).toBe('created');
  await expect(c.ensureUser(person(1))).resolves.toEqual({ id: created.id, outcome: 'linked' });
  expect(sim.users()).toHaveLength(1);

  await c.updateUser(
    created.id,
    person(1, { title: 'Lead', enterprise: { employeeNumber: 'E1', division: 'Sales', costCenter: 'CC7' } }, { clear: ['name.middleName', 'phoneNumbers.mobile'], createOnly: ['division'] }),
  );
  let user = sim.users()[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(user.title).toBe('Lead');
  expect(user.name.middleName).toBeUndefined();
  expect(user.phoneNumbers ?? []).toEqual([]);
  expect(user[SCHEMA_ENTERPRISE]).toMatchObject({ costCenter: 'CC7', division: 'R&D', companyId: DEMO_COMPANY_ID });

  await c.disableUser(created.id, new Date('2026-01-31T00:00:00Z'));
  user = sim.users()[0];
  expect(user.active).toBe(false);
  expect(user[SCHEMA_ENTERPRISE].terminationDate).toBe('2026-01-31T00:00:00Z');

  await c.reactivateUser(created.id, person(1));
  user = sim.users()[0];
  expect(user.active).toBe(true);
  expect(user[SCHEMA_ENTERPRISE].terminationDate).toBeUndefined();

  await c.identity.deleteUser(created.id);
  expect(sim.users()).toHaveLength(0);
  await expect(c.identity.getUser(created.id)).rejects.toMatchObject({ kind: 'not-found' });
});

test('Spend and Travel through UPS bulk + provision status', async () => {
  const c = connect();
  const d = person(2, {}, { spend: { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US', ledgerCode: 'DEFAULT', customData: [{ id: 'custom1', value: 'A' }] }, travel: { ruleClass: { name: 'Default Travel Class' } } });
  const { id } = await c.ensureUser(d);
  const user = sim.users().find((u) => u.id === id) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(user[SCHEMA_SPEND]).toMatchObject({ reimbursementCurrency: 'USD', country: 'US', ledgerCode: 'DEFAULT' });
  expect(user[SCHEMA_TRAVEL]).toMatchObject({ ruleClass: { name: 'Default Travel Class' } });
  await c.updateUser(id, { ...d, spend: { ...d.spend, ledgerCode: 'LEDGER2', customData: [{ id: 'custom1', value: 'B' }] }, clear: ['travel.travelNameRemark'] });
  const after = sim.users().find((u) => u.id === id) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(after[SCHEMA_SPEND]).toMatchObject({ ledgerCode: 'LEDGER2', customData: [{ id: 'custom1', value: 'B' }] });
  expect(sim.requests().some((r) => r.path.startsWith('/profile/v4/provisions/'))).toBe(true);
});

test('UPS extension failure is reported with the extension named', async () => {
  const c = connect();
  const { id } = await c.ensureUser(person(3));
  // Outbound's own validation would stop a bad country, so the operation is sent through the bulk API directly.
  const [status] = await c.provisionAndWait([{ method: 'PATCH', path: `/Users/${id}`, bulkId: id, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: `${SCHEMA_SPEND}:country`, value: 'USA' }] } }]);
  // That request is invalid on purpose (country longer than 2): keep it out of the contract check.
  sim.reset();
  const outcomes = operationOutcomes(status);
  expect(outcomes).toHaveLength(1);
  const [outcome] = outcomes;
  expect(outcome.ok).toBe(false);
  if (!outcome.ok) {
    expect(outcome.error).toBeInstanceOf(ConcurExtensionError);
    expect(outcome.error.message).toContain('spend:2.0:User');
  }
});

test('faults: reset, 503s and throttling with Retry-After 0 never duplicate a user', async () => {
  const c = connect({}, { maxCreateAttempts: 6 });
  sim.setFaults({ resetNext: 1, pathPrefixes: ['/profile/identity/v4.1/Users'] });
  const a = await c.ensureUser(person(10));
  sim.setFaults({ errorRate: 0.2, seed: 7, pathPrefixes: ['/profile/identity/v4.1/Users'] });
  const b = await Promise.all([11, 12, 13, 14, 15].map((n) => c.ensureUser(person(n))));
  sim.setFaults({ rateLimitRps: 20, retryAfterSeconds: 0 });
  const d = await Promise.all(Array.from({ length: 20 }, (_, i) => c.ensureUser(person(100 + i))));
  const ids = [a, ...b, ...d].map((r) => r.id);
  expect(new Set(ids).size).toBe(26);
  expect(sim.users()).toHaveLength(26);
  expect(c.stats.throttled).toBeGreaterThan(0);
  expect(c.stats.rateLimitRps).toBeLessThan(50);
});

test('repeated 429s are retried after the first backoff step each time, not an exponentially growing one', async () => {
  const delays: number[] = [];
  sim.setFaults({ rateLimitRps: 0, retryAfterSeconds: 0 });
  const c = connect({ maxRequestsPerSecond: 1e6 }, {
    retry: { baseDelayMs: 5, maxDelayMs: 1000, maxAttempts: 3, maxElapsedMs: 30_000 },
    sleep: async (ms) => {
      delays.push(ms);
      if (delays.length === 6) sim.setFaults({}); // the tenant admits again after six 429s
    },
  });
  const { id } = await c.ensureUser(person(300));
  expect(sim.users().map((u) => u.id)).toEqual([id]);
  // Six 429s: more than maxAttempts (429s are not attempts), each followed by a short wait.
  expect(delays.length).toBeGreaterThanOrEqual(6);
  expect(Math.max(...delays.slice(0, 6))).toBeLessThanOrEqual(10);
});

test('OAuth2: request token → code 16 geolocation → refresh rotation persisted; single-use refresh tokens keep working', async () => {
  const port = await freePort();
  // One server under two host names: 127.0.0.1 plays the wrong data centre, localhost the right one.
  const geo = `http://localhost:${port}`;
  const geoSim = createConcurSimulator({ wrongGeolocation: geo, geolocation: geo, accessTokenTtlSeconds: 299, provisionPolls: 0 });
  await geoSim.listen(port, '127.0.0.1');
  const store = new InMemoryConcurTokenStore();
  const conn = connection({
    id: 'oauth',
    baseUrl: `http://127.0.0.1:${port}`,
    auth: { type: 'oauth2', clientId: DEMO_CLIENT_ID, clientSecret: 'env:SECRET', companyRequestToken: 'env:CRT', companyUuid: DEMO_COMPANY_ID },
  });
  try {
    // localhost is not baseUrl's origin: trusted explicitly, as an operator's extra origin would be.
    const c = connect(conn, { tokens: store, trustedGeolocationOrigins: [geo] });
    await expect(c.verifyCredentials()).resolves.toEqual({ ok: true });
    const first = await store.load('oauth');
    expect(first?.geolocation).toBe(geo);
    // A 299 s token is inside the 5 min refresh margin: the next call refreshes, and Concur rotates.
    await expect(c.verifyCredentials()).resolves.toEqual({ ok: true });
    const second = await store.load('oauth');
    expect(second?.refreshToken).toBeDefined();
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    // A restarted worker continues from the persisted rotated token (the old one is spent).
    const again = connect(conn, { tokens: store, trustedGeolocationOrigins: [geo] });
    await expect(again.verifyCredentials()).resolves.toEqual({ ok: true });
    const log = geoSim.requests();
    const tokenCalls = log.filter((r) => r.path === '/oauth2/v0/token').map((r) => `${r.status} ${r.headers.host} ${(r.body as Record<string, string>).grant_type}`);
    expect(tokenCalls).toEqual([`400 127.0.0.1:${port} password`, `200 localhost:${port} password`, `200 localhost:${port} refresh_token`, `200 localhost:${port} refresh_token`]);
    expect(log.filter((r) => r.path.startsWith('/profile/')).every((r) => r.headers.host === `localhost:${port}` && r.status === 200)).toBe(true);
    contract.checkAll(log.filter((r) => r.path.startsWith('/profile/')).map((r) => ({ method: r.method, path: r.path, body: r.body })));
  } finally {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await geoSim.close();
  }
});

test('300 concurrent creates through one connector: two requests each, no duplicate', async () => {
  const c = connect({ maxConnections: 16 }, { maxRequestsPerSecond: 1000 });
  await Promise.all(Array.from({ length: 300 }, (_, i) => c.ensureUser(person(1000 + i))));
  expect(sim.users()).toHaveLength(300);
  // Two requests per create (lookup + POST).
  expect(c.stats.requests).toBe(600);
});

test('a write abandoned (per-write timeout or cancellation) aborts its request on the wire and is not retried', async () => {
  const c = connect();
  const created = await c.ensureUser(person(7));
  const before = c.stats.requests;
  sim.setFaults({ latencyMs: 3000 });
  const started = Date.now();
  const err = await withRequestSignal(AbortSignal.timeout(300), () => c.identity.getUser(created.id)).catch((e) => e);
  const elapsed = Date.now() - started;
  sim.setFaults({});
  // Rejected at the deadline, not when the slow answer would have come, and no second attempt.
  expect(err).toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
  expect(elapsed).toBeLessThan(2500);
  expect(c.stats.requests - before).toBe(1);
});
