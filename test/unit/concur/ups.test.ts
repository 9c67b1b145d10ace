import { SCHEMA_SPEND } from '../../../src/domain/concur-user';
import type { ConcurConnector } from '../../../src/targets/concur/concur-connector';
import { createConcurConnector } from '../../../src/targets/concur/concur-connector-factory';
import { ConcurExtensionError } from '../../../src/targets/concur/concur-errors';
import { nextPollDelay } from '../../../src/domain/schedules';
import { ProvisionTimeoutError } from '../../../src/targets/concur/concur-ups-client';
import { operationOutcomes, parseProvisionStatus } from '../../../src/targets/concur/provision-status';
import { extensionBulkOperation } from '../../../src/targets/concur/ups-operation-builder';
import { ContractValidator } from './support/openapi-contract';
import { USER_ID, desiredUser, fastDeps, json, mockConcur, secrets, staticConnection, type MockConcur } from './support/mock-concur';

const contract = new ContractValidator();
const BULK = { path: '/profile/v4/Bulk', method: 'POST' };
const statusPath = (id: string) => (p: string) => p.startsWith(`/profile/v4/provisions/${id}/status?`);

function accepted(id: string, total: number) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:extension:concur:2.0:Provision:Status'],
    id,
    operationsCount: { total, success: 0, failed: 0, pending: total },
    status: { completed: false, success: null },
    meta: { location: `https://us2.api.concursolutions.com/profile/v4/provisions/${id}/status`, resourceType: 'ProvisionRequest', provisionType: 'Bulk' },
  };
}

/** Digest §4.2 REAL: core and enterprise applied, spend failed with an invalid list item. */
function partial(id: string) {
  return {
    id,
    operationsCount: { total: 1, success: 0, failed: 1, pending: 0 },
    status: { completed: true, success: false },
    totalResults: 1,
    itemsPerPage: 1,
    startIndex: 1,
    operations: [
      {
        id: 'op-1',
        bulkId: USER_ID,
        status: { completed: true, success: false, code: '207' },
        resource: { id: USER_ID, type: 'User' },
        extensions: [
          { name: 'urn:ietf:params:scim:schemas:core:2.0:User', status: { completed: true, success: true, code: '200', result: 'success' } },
          {
            name: SCHEMA_SPEND,
            status: { completed: true, success: false, code: '500', result: 'error' },
            messages: [
              { code: 'WARN', message: 'ignored', type: 'warning' },
              { code: 'INVALID_VALUE', message: 'Invalid List Item', schemaPath: `${SCHEMA_SPEND}:customData[id eq "custom3"].value`, type: 'error' },
            ],
          },
        ],
      },
    ],
  };
}

const spendUser = () => desiredUser({}, { spend: { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US', customData: [{ id: 'custom3', value: 'NOPE' }] } });

let mock: MockConcur;
let fast: ReturnType<typeof fastDeps>;
let connector: ConcurConnector;

beforeEach(() => {
  mock = mockConcur();
  fast = fastDeps();
  connector = createConcurConnector(staticConnection(), { secrets: secrets(), dispatcher: mock.dispatcher, retry: fast.retry, sleep: fast.sleep, random: fast.random, maxRequestsPerSecond: 1e6 });
});

afterEach(async () => {
  contract.checkAll(mock.requests);
  await connector.close();
  await mock.close();
});

test('submitBulk splits 250 operations into requests of 100, 100 and 50 and returns each provision id', async () => {
  for (const [i, n] of [100, 100, 50].entries()) mock.pool().intercept(BULK).reply(202, accepted(`p${i}`, n), { headers: json });
  const ops = Array.from({ length: 250 }, (_, i) => extensionBulkOperation(USER_ID, spendUser(), 'update', `guid-${i}`)!);
  const submitted = await connector.ups.submitBulk(ops);
  expect(submitted.map((s) => [s.id, s.bulkIds.length])).toEqual([
    ['p0', 100],
    ['p1', 100],
    ['p2', 50],
  ]);
  expect(submitted[0].statusUrl).toContain('/profile/v4/provisions/p0/status');
  expect(mock.requests.map((r) => (r.body as { Operations: unknown[] }).Operations.length)).toEqual([100, 100, 50]);
});

test('provisionAndWait polls no faster than the interval, backing off, until completed', async () => {
  mock.pool().intercept(BULK).reply(202, accepted('p1', 1), { headers: json });
  mock.pool().intercept({ path: statusPath('p1'), method: 'GET' }).reply(200, accepted('p1', 1), { headers: json }).times(2);
  mock
    .pool()
    .intercept({ path: statusPath('p1'), method: 'GET' })
    .reply(200, { ...accepted('p1', 1), status: { completed: true, success: true }, operations: [{ id: 'o', bulkId: USER_ID, status: { completed: true, success: true } }] }, { headers: json });
  const [status] = await connector.provisionAndWait([extensionBulkOperation(USER_ID, spendUser(), 'update')!]);
  expect(status).toMatchObject({ id: 'p1', completed: true, success: true });
  expect(fast.delays).toEqual([5000, 7500, 11250]);
  expect(mock.requests[1].path).toBe('/profile/v4/provisions/p1/status?attributes=operations&startIndex=1&count=100');
  expect(nextPollDelay(20)).toBe(60_000);
});

test('207 partial: the failed extension and its message are reported, as a data error', async () => {
  mock.pool().intercept(BULK).reply(202, accepted('p2', 1), { headers: json });
  mock.pool().intercept({ path: statusPath('p2'), method: 'GET' }).reply(200, partial('p2'), { headers: json });
  const err = await connector.provisionExtensions(USER_ID, spendUser(), 'update').catch((e) => e);
  expect(err).toBeInstanceOf(ConcurExtensionError);
  expect(err.failedExtensions.map((e: { name: string }) => e.name)).toEqual([SCHEMA_SPEND]);
  expect(err.message).toBe('spend:2.0:User failed (500): urn:ietf:params:scim:schemas:extension:spend:2.0:User:customData[id eq "custom3"].value: Invalid List Item');
  expect(err).toMatchObject({ code: 'EXTENSION_FAILED', userId: USER_ID, field: `${SCHEMA_SPEND}:customData[id eq "custom3"].value` });
  expect(operationOutcomes(parseProvisionStatus(partial('p2')))).toEqual([expect.objectContaining({ ok: false, userId: USER_ID })]);
});

test('updateUser sends Identity then UPS; extensions: skip leaves UPS to the caller', async () => {
  mock.pool().intercept({ path: `/profile/identity/v4.1/Users/${USER_ID}`, method: 'PATCH' }).reply(200, { id: USER_ID }, { headers: json }).times(2);
  mock.pool().intercept(BULK).reply(202, accepted('p3', 1), { headers: json });
  mock
    .pool()
    .intercept({ path: statusPath('p3'), method: 'GET' })
    .reply(200, { ...accepted('p3', 1), status: { completed: true, success: true }, operations: [{ id: 'o', bulkId: USER_ID, status: { completed: true, success: true } }] }, { headers: json });
  await connector.updateUser(USER_ID, spendUser());
  await connector.updateUser(USER_ID, spendUser(), { deferExtensions: true });
  expect(mock.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
    `PATCH /profile/identity/v4.1/Users/${USER_ID}`,
    'POST /profile/v4/Bulk',
    'GET /profile/v4/provisions/p3/status',
    `PATCH /profile/identity/v4.1/Users/${USER_ID}`,
  ]);
});

test('a provision that never completes ends in ProvisionTimeoutError (transient)', async () => {
  mock.pool().intercept(BULK).reply(202, accepted('p4', 1), { headers: json });
  mock.pool().intercept({ path: statusPath('p4'), method: 'GET' }).reply(200, accepted('p4', 1), { headers: json }).persist();
  const err = await connector.provisionAndWait([extensionBulkOperation(USER_ID, spendUser(), 'update')!], { timeoutMs: 30_000 }).catch((e) => e);
  expect(err).toBeInstanceOf(ProvisionTimeoutError);
  expect(err.kind).toBe('transient');
});
