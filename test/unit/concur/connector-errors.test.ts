import type { ConcurConnector } from '../../../src/targets/concur/concur-connector';
import { createConcurConnector } from '../../../src/targets/concur/concur-connector-factory';
import {
  ConcurConnectionError,
  ConcurDataError,
  ConcurNotFoundError,
  ConcurTransientError,
  ConcurValidationError,
  classifyConcurError,
  toTargetError,
} from '../../../src/targets/concur/concur-errors';
import { MAX_RESPONSE_BYTES } from '../../../src/targets/concur/response-body';
import { MAX_RETRY_AFTER_MS } from '../../../src/targets/concur/retry-policy';
import { createConcurUserTarget } from '../../../src/targets/concur/concur-user-target';
import { TargetError } from '../../../src/targets/user-target';
import { ContractValidator } from './support/openapi-contract';
import { COMPANY_ID, ORIGIN, USER_ID, desiredUser, fastDeps, json, listResponse, mockConcur, scimError, secrets, staticConnection, userResource, type MockConcur } from './support/mock-concur';

const BASE = '/profile/identity/v4.1';
const SEARCH = { path: `${BASE}/Users/.search`, method: 'POST' };
const CREATE = { path: `${BASE}/Users`, method: 'POST' };
const contract = new ContractValidator();

let mock: MockConcur;
let fast: ReturnType<typeof fastDeps>;
let connector: ConcurConnector;
let logs: Array<{ fields: Record<string, unknown>; message: string }>;

beforeEach(() => {
  mock = mockConcur();
  fast = fastDeps();
  logs = [];
  const log = (fields: Record<string, unknown>, message: string) => logs.push({ fields, message });
  connector = createConcurConnector(staticConnection(), {
    secrets: secrets(),
    dispatcher: mock.dispatcher,
    retry: fast.retry,
    sleep: fast.sleep,
    random: fast.random,
    // Pacing off here (its own test covers it), so recorded delays are retry backoffs only.
    maxRequestsPerSecond: 1e6,
    logger: { debug: log, info: log, warn: log, error: log },
  });
});

afterEach(async () => {
  // Every request any test made must satisfy the OpenAPI contract, and nothing may be left unsent.
  contract.checkAll(mock.requests);
  const serialized = JSON.stringify(logs);
  expect(serialized).not.toContain('static-secret-token');
  expect(serialized).not.toContain('ada.lovelace');
  expect(serialized).not.toContain('Lovelace');
  await connector.close();
  await mock.close();
});

const writes = () => mock.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/.search'));
const creates = () => mock.requests.filter((r) => r.method === 'POST' && r.path === `${BASE}/Users`);

describe('transient failures', () => {
  test('a huge Retry-After is capped: the error carries at most MAX_RETRY_AFTER_MS, nothing sleeps for days', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(429, {}, { headers: { 'retry-after': '99999999' } });
    const err = await connector.identity.getUser(USER_ID).catch((e) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: MAX_RETRY_AFTER_MS });
    expect(fast.delays).toEqual([]);
  });

  test('an answer larger than MAX_RESPONSE_BYTES is not buffered: a typed transient error, body dropped', async () => {
    const huge = 'x'.repeat(MAX_RESPONSE_BYTES + 1);
    for (let i = 0; i < fast.retry.maxAttempts; i++) {
      mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(200, huge, { headers: json });
    }
    const err = await connector.identity.getUser(USER_ID).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurTransientError);
    expect(err).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maybeApplied: false });
  });

  test('429 with Retry-After 0 is retried after a jittered backoff, and the rate limit halves', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(429, { httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' } }, { headers: { 'retry-after': '0', ...json } });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(200, userResource(), { headers: json });
    const user = await connector.identity.getUser(USER_ID);
    expect(user.id).toBe(USER_ID);
    expect(fast.delays).toHaveLength(1);
    expect(fast.delays[0]).toBeGreaterThan(0);
    expect(connector.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
    // Halved on the 429, then regained a little with the success.
    expect(connector.stats.rateLimitRps).toBeGreaterThan(0.5e6);
    expect(connector.stats.rateLimitRps).toBeLessThan(0.6e6);
  });

  test('429 with Retry-After N waits at least N seconds', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(429, {}, { headers: { 'retry-after': '3' } });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(200, userResource(), { headers: json });
    await connector.identity.getUser(USER_ID);
    // The retry loop waits ≥3000 ms; the limiter also holds back every caller until then.
    expect(Math.max(...fast.delays)).toBeGreaterThanOrEqual(3000);
  });

  test('a Retry-After beyond the time budget is not waited for: the transient error carries it', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(429, {}, { headers: { 'retry-after': '3600' } });
    const err = await connector.identity.getUser(USER_ID).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurTransientError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(classifyConcurError(err)).toBe('transient');
  });

  test('5xx then success', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(503, scimError(503, 'Service Unavailable'), { headers: json });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(500, scimError(500, 'oops'), { headers: json });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(200, userResource(), { headers: json });
    await expect(connector.identity.getUser(USER_ID)).resolves.toMatchObject({ id: USER_ID });
    expect(fast.delays).toHaveLength(2);
    // Exponential: the second wait is longer than the first.
    expect(fast.delays[1]).toBeGreaterThan(fast.delays[0]);
  });

  test('attempts are bounded: persistent 503 ends as a transient error after maxAttempts', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'GET' }).reply(503, scimError(503, 'down'), { headers: json }).times(4);
    const err = await connector.identity.getUser(USER_ID).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurTransientError);
    expect(err.status).toBe(503);
    expect(mock.requests).toHaveLength(4);
    expect(toTargetError(err)).toMatchObject({ kind: 'transient', code: 'HTTP_503' });
  });

  test('connection reset on an idempotent PATCH is retried', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(200, userResource(), { headers: json });
    await connector.disableUser(USER_ID, new Date('2026-01-31T00:00:00Z'));
    expect(writes()).toHaveLength(2);
  });
});

describe('idempotent create', () => {
  test('creates when no user holds the keys: one search (or-filter) then one POST', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).reply(200, userResource(), { headers: json });
    await expect(connector.ensureUser(desiredUser({ externalId: 'guid-1' }))).resolves.toEqual({ id: USER_ID, outcome: 'created' });
    const search = mock.requests[0].body as { filter: string };
    expect(search.filter).toBe(
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E1001" or userName eq "ada.lovelace@example.org" or externalId eq "guid-1"',
    );
    expect((creates()[0].body as Record<string, unknown>)['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ companyId: COMPANY_ID, employeeNumber: 'E1001' });
  });

  test('links an existing user; employeeNumber wins over userName', async () => {
    const other = 'bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    mock
      .pool()
      .intercept(SEARCH)
      .reply(200, listResponse([userResource(other, { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: 'E9' } }), userResource(USER_ID)]), { headers: json });
    await expect(connector.ensureUser(desiredUser())).resolves.toEqual({ id: USER_ID, outcome: 'linked' });
    expect(creates()).toHaveLength(0);
  });

  test('connection reset on POST, then the lookup finds the user: no second POST', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    mock.pool().intercept(SEARCH).reply(200, listResponse([userResource()]), { headers: json });
    await expect(connector.ensureUser(desiredUser())).resolves.toEqual({ id: USER_ID, outcome: 'created', recovered: true });
    expect(creates()).toHaveLength(1);
  });

  test('5xx on POST and nothing found afterwards: POST again, once', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).reply(502, scimError(502, 'Bad Gateway'), { headers: json });
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).reply(200, userResource(), { headers: json });
    await expect(connector.ensureUser(desiredUser())).resolves.toEqual({ id: USER_ID, outcome: 'created' });
    expect(creates()).toHaveLength(2);
  });

  test('429 on POST is retried directly (Concur did not process it)', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).reply(429, {}, { headers: { 'retry-after': '0' } });
    mock.pool().intercept(CREATE).reply(200, userResource(), { headers: json });
    await expect(connector.ensureUser(desiredUser())).resolves.toEqual({ id: USER_ID, outcome: 'created' });
    expect(mock.requests.filter((r) => r.path.endsWith('/.search'))).toHaveLength(1);
  });

  test('409 uniqueness → look up and link', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock.pool().intercept(CREATE).reply(409, scimError(409, 'userName already exists', { scimType: 'uniqueness' }), { headers: json });
    mock.pool().intercept(SEARCH).reply(200, listResponse([userResource()]), { headers: json });
    await expect(connector.ensureUser(desiredUser())).resolves.toEqual({ id: USER_ID, outcome: 'linked' });
  });

  test('409 and nobody in the company holds the keys → data error on userName (held by another company)', async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json }).times(2);
    mock.pool().intercept(CREATE).reply(409, scimError(409, 'userName already exists', { scimType: 'uniqueness' }), { headers: json });
    const err = await connector.ensureUser(desiredUser()).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurDataError);
    expect(err).toMatchObject({ code: 'USERNAME_TAKEN', field: 'userName' });
  });
});

describe('data errors', () => {
  test("400 carries Concur's message and schemaPath and is not retried", async () => {
    mock.pool().intercept(SEARCH).reply(200, listResponse([]), { headers: json });
    mock
      .pool()
      .intercept(CREATE)
      .reply(
        400,
        scimError(400, 'Invalid value', { scimType: 'invalidValue', messages: [{ code: 'INVALID_VALUE', message: 'Invalid List Item', schemaPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', type: 'error' }] }),
        { headers: json },
      );
    const err = await connector.ensureUser(desiredUser()).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurDataError);
    expect(err).toMatchObject({ code: 'INVALID_VALUE', scimType: 'invalidValue', field: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', status: 400 });
    expect(err.message).toContain('Invalid List Item');
    expect(err.message).not.toContain('ada');
    expect(creates()).toHaveLength(1);
    expect(fast.delays).toHaveLength(0);
    expect(toTargetError(err)).toMatchObject({ kind: 'data' });
  });

  test('client-side validation names the field and sends nothing', async () => {
    const err = await connector.ensureUser(desiredUser({ userName: 'ada(lovelace)@example.org', name: { givenName: 'A'.repeat(40), familyName: 'L' } })).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurValidationError);
    expect(err.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['userName', 'name.givenName']));
    expect(err.message).not.toContain('A'.repeat(40));
    expect(mock.requests).toHaveLength(0);
    const twoWork = await connector.updateUser(USER_ID, desiredUser({ emails: [{ type: 'work', value: 'a@x.org' }, { type: 'work', value: 'b@x.org' }] })).catch((e) => e);
    expect(twoWork).toBeInstanceOf(ConcurValidationError);
    expect(twoWork.field).toBe('emails.work');
  });

  test('404 on update is not-found', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(404, scimError(404, 'User not found'), { headers: json });
    const err = await connector.updateUser(USER_ID, desiredUser()).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurNotFoundError);
    expect(toTargetError(err).kind).toBe('not-found');
  });

  test('noTarget on a value filter → read the typed entries and add the missing ones', async () => {
    mock
      .pool()
      .intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' })
      .reply(400, scimError(400, 'No target', { scimType: 'noTarget', messages: [{ code: 'INVALID_VALUE', message: 'no match', schemaPath: 'phoneNumbers[type eq "mobile"].value', type: 'error' }] }), { headers: json });
    mock
      .pool()
      .intercept({ path: (p) => p.startsWith(`${BASE}/Users/${USER_ID}?`), method: 'GET' })
      .reply(200, userResource(USER_ID, { emails: [{ type: 'work', value: 'x' }] }), { headers: json });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(200, userResource(), { headers: json });
    await connector.updateUser(USER_ID, desiredUser({ phoneNumbers: [{ type: 'mobile', value: '+1 555' }] }));
    const second = mock.requests[2].body as { Operations: unknown[] };
    expect(second.Operations).toContainEqual({ op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '+1 555' }] });
    expect(mock.requests[1].path).toBe(`${BASE}/Users/${USER_ID}?attributes=emails%2CphoneNumbers%2Caddresses`);
  });

  test("manager.employeeNumber is resolved to the manager's UUID (cached)", async () => {
    const managerId = 'cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    mock.pool().intercept(SEARCH).reply(200, listResponse([{ id: managerId }]), { headers: json });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(200, userResource(), { headers: json }).times(2);
    const d = desiredUser({ enterprise: { employeeNumber: 'E1001', manager: { employeeNumber: 'M1' } } });
    await connector.updateUser(USER_ID, d);
    await connector.updateUser(USER_ID, d);
    expect(mock.requests.filter((r) => r.path.endsWith('/.search'))).toHaveLength(1);
    expect((mock.requests[1].body as { Operations: unknown[] }).Operations).toContainEqual({
      op: 'replace',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      value: { value: managerId },
    });
  });
});

describe('connection-level errors', () => {
  test('401 with a static token → connection error bad-token, no retry storm', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(401, { error: 'invalid_token' }, { headers: json });
    const err = await connector.disableUser(USER_ID, new Date()).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurConnectionError);
    expect(err).toMatchObject({ reason: 'bad-token', status: 401 });
    expect(toTargetError(err).kind).toBe('connection');
    expect(mock.requests).toHaveLength(1);
    expect(err.message).not.toContain('static-secret-token');
  });

  test('403 → company-not-authorised, or missing-scope when Concur says so', async () => {
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'DELETE' }).reply(403, scimError(403, 'Forbidden'), { headers: json });
    await expect(connector.identity.deleteUser(USER_ID)).rejects.toMatchObject({ reason: 'company-not-authorised' });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'DELETE' }).reply(403, scimError(403, 'insufficient scope: identity.user.delete'), { headers: json });
    await expect(connector.identity.deleteUser(USER_ID)).rejects.toMatchObject({ reason: 'missing-scope' });
  });

  test('verifyCredentials: GET /Users?count=1&attributes=id, ok or the reason', async () => {
    mock.pool().intercept({ path: `${BASE}/Users?count=1&attributes=id`, method: 'GET' }).reply(200, listResponse([{ id: USER_ID }]), { headers: json });
    await expect(connector.verifyCredentials()).resolves.toEqual({ ok: true });
    mock.pool().intercept({ path: `${BASE}/Users?count=1&attributes=id`, method: 'GET' }).reply(401, { error: 'invalid_token', error_description: 'token expired' }, { headers: json });
    await expect(connector.verifyCredentials()).resolves.toMatchObject({ ok: false, reason: 'expired' });
    mock.pool().intercept({ path: `${BASE}/Users?count=1&attributes=id`, method: 'GET' }).reply(403, scimError(403, 'The scope identity.user.ids.read is required'), { headers: json });
    await expect(connector.verifyCredentials()).resolves.toMatchObject({ ok: false, reason: 'missing-scope' });
    expect(mock.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('unreachable Concur (real loopback socket, nothing listening)', () => {
  test('connection refused after retries → connection error unreachable; verify says unreachable', async () => {
    const closed = createConcurConnector(staticConnection({ baseUrl: 'http://127.0.0.1:9' }), { secrets: secrets(), retry: fast.retry, sleep: fast.sleep, random: fast.random });
    try {
      const err = await closed.identity.getUser(USER_ID).catch((e) => e);
      expect(err).toBeInstanceOf(ConcurConnectionError);
      expect(err.reason).toBe('unreachable');
      expect(closed.stats.requests).toBe(4);
      await expect(closed.verifyCredentials()).resolves.toMatchObject({ ok: false, reason: 'unreachable' });
    } finally {
      await closed.close();
    }
  });
});

describe('UserTarget port', () => {
  test('maps outcomes and failures to the engine types', async () => {
    const target = createConcurUserTarget(staticConnection(), { secrets: secrets(), dispatcher: mock.dispatcher, retry: fast.retry, sleep: fast.sleep, random: fast.random });
    mock.pool().intercept(SEARCH).reply(200, listResponse([userResource()]), { headers: json });
    await expect(target.create(desiredUser())).resolves.toEqual({ id: USER_ID, linked: true });
    mock.pool().intercept({ path: `${BASE}/Users/${USER_ID}`, method: 'PATCH' }).reply(401, {}, { headers: json });
    const err = await target.disable(USER_ID, new Date()).catch((e) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('connection');
    const invalid = await target.update(USER_ID, desiredUser({ userName: 'no-at-sign' })).catch((e) => e);
    expect(invalid).toMatchObject({ kind: 'data', code: 'VALIDATION_FAILED' });
    expect(ORIGIN).toContain('https://');
    await target.close();
  });
});
