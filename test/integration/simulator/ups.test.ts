import { createConcurSimulator, DEMO_TOKEN, SCOPES, type ConcurSimulator } from '../../../simulators/concur';
import { call, CONCUR_ERROR, ENT, PATCH_OP, SPEND, TRAVEL, UPS, userBody } from './sim-client';

let sim: ConcurSimulator;
let base: string;
const T = DEMO_TOKEN;
const spend = { country: 'US', locale: 'en-US', reimbursementCurrency: 'USD' };

beforeAll(async () => {
  // Completion only by polling here (delay far away), so tests see pending first, deterministically.
  sim = createConcurSimulator({ provisionDelayMs: 60_000, provisionPolls: 1 });
  ({ url: base } = await sim.listen(0));
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const status = (id: string, q = '?attributes=operations') => call(base, 'GET', `${UPS}/provisions/${id}/status${q}`, { token: T });
const bulk = (Operations: unknown[]) => call(base, 'POST', `${UPS}/Bulk`, { token: T, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations } });

describe('UPS v4', () => {
  it('creates identity synchronously (201) and the spend extension when the provision completes', async () => {
    const r = await call(base, 'POST', `${UPS}/Users`, { token: T, body: userBody(1, { [SPEND]: spend, [TRAVEL]: { ruleClass: { name: 'Default' } } }) });
    expect(r.status).toBe(201);
    expect(r.body.meta).toMatchObject({ provisionId: expect.any(String), statusUrl: `${base}${UPS}/provisions/${r.body.meta.provisionId}/status` });
    expect(sim.users()[0][SPEND]).toBeUndefined();
    const pending = await status(r.body.meta.provisionId);
    expect(pending.body).toMatchObject({ status: { completed: false, success: null }, operationsCount: { total: 1, pending: 1 } });
    const done = await status(r.body.meta.provisionId);
    expect(done.body).toMatchObject({ status: { completed: true, success: true }, operationsCount: { total: 1, success: 1, failed: 0, pending: 0 } });
    expect(done.body.operations[0].extensions.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining([SPEND, TRAVEL, ENT]));
    expect(sim.users()[0][SPEND]).toEqual(spend);
    const back = await call(base, 'GET', `/profile/spend/v4.1/Users/${r.body.id}`, { token: T });
    expect(back.body[SPEND]).toEqual(spend);
    expect((await call(base, 'GET', `/profile/travel/v4/Users/${r.body.id}`, { token: T })).body[TRAVEL]).toEqual({ ruleClass: { name: 'Default' } });
  });

  it('reports 207 naming the failed extension while identity stays applied (digest A10)', async () => {
    const accepted = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'op-1', data: userBody(1, { [SPEND]: { ...spend, country: 'USA' } }) },
      { method: 'POST', path: '/Users', bulkId: 'op-2', data: userBody(2, { [SPEND]: spend }) },
      { method: 'POST', path: '/Users', bulkId: 'op-3', data: userBody(3, { name: { givenName: 'x'.repeat(40), familyName: 'L' } }) },
    ]);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: { completed: false, success: null }, operationsCount: { total: 3, pending: 3 }, meta: { provisionType: 'Bulk', resourceType: 'ProvisionRequest' } });
    const id = accepted.body.id;
    await status(id);
    const done = await status(id);
    expect(done.body).toMatchObject({ status: { completed: true, success: false }, operationsCount: { total: 3, success: 1, failed: 2, pending: 0 } });
    const [op1, op2, op3] = done.body.operations;
    expect(op1).toMatchObject({ bulkId: 'op-1', status: { completed: true, success: false, code: '207' }, resource: { type: 'User' } });
    const spendResult = op1.extensions.find((e: { name: string }) => e.name === SPEND);
    expect(spendResult).toMatchObject({ status: { success: false, result: 'error' }, messages: [{ code: 'INVALID_VALUE', schemaPath: `${SPEND}:country` }] });
    expect(op2.status).toMatchObject({ success: true, code: '201' });
    expect(op3.status).toMatchObject({ success: false, code: '400' });
    expect(op3.extensions[0].messages[0].schemaPath).toBe('name.givenName');
    expect(sim.users().map((u) => u.userName).sort()).toEqual(['user1@example.org', 'user2@example.org']);
    const failedOnly = await status(id, '?attributes=operations&state=failed');
    expect(failedOnly.body.totalResults).toBe(2);
  });

  it('patches via UPS and through Bulk with /Users/{id}, bulkId references and DELETE', async () => {
    const created = await call(base, 'POST', `${UPS}/Users`, { token: T, body: userBody(1, { [SPEND]: spend }) });
    const id = created.body.id;
    await status(created.body.meta.provisionId);
    await status(created.body.meta.provisionId);
    const p = await call(base, 'PATCH', `${UPS}/Users/${id}`, { token: T, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: `${SPEND}:ledgerCode`, value: 'L1' }, { op: 'replace', path: 'active', value: false }] } });
    expect(p.status).toBe(200);
    expect(p.body.active).toBe(false);
    await status(p.body.meta.provisionId);
    expect((await status(p.body.meta.provisionId)).body.status).toEqual({ completed: true, success: true });
    const accepted = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'n', data: userBody(2) },
      { method: 'PATCH', path: '/Users/bulkId:n', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'New' }] } },
      { method: 'PUT', path: `/Users/${id}`, data: userBody(1, { id }) },
      { method: 'PUT', path: `/Users/${id}`, data: userBody(1, { id: 'someone-else' }) },
    ]);
    await status(accepted.body.id);
    const done = await status(accepted.body.id);
    expect(done.body.operations.map((o: { status: { code: string } }) => o.status.code)).toEqual(['201', '200', '200', '400']);
    const users = sim.users();
    expect(users.find((u) => u.userName === 'user2@example.org')?.title).toBe('New');
    expect(users.find((u) => u.id === id)?.[SPEND]).toMatchObject({ ledgerCode: 'L1' });
    const del = await bulk([{ method: 'DELETE', path: `/Users/${id}` }]);
    await status(del.body.id);
    await status(del.body.id);
    expect(sim.users().some((u) => u.id === id)).toBe(false);
  });

  it('enforces bulk limits and bulkId rules', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: userBody(i) }));
    expect((await bulk(many)).status).toBe(413);
    const big = [{ method: 'POST', path: '/Users', bulkId: 'x', data: userBody(1, { title: 'x'.repeat(410 * 1024) }) }];
    expect((await bulk(big)).status).toBe(413);
    const noBulkId = await bulk([{ method: 'POST', path: '/Users', data: userBody(1) }]);
    expect(noBulkId.status).toBe(400);
    expect(noBulkId.body[CONCUR_ERROR].messages[0].schemaPath).toBe('Operations[0].bulkId');
    expect((await bulk([{ method: 'GET', path: '/Users' }])).status).toBe(400);
  });

  it('requires provisioning and spend scopes', async () => {
    const identityOnly = sim.mintToken({ scopes: [SCOPES.coreEnterpriseWrite] });
    expect((await call(base, 'POST', `${UPS}/Users`, { token: identityOnly, body: userBody(1) })).status).toBe(403);
    const noSpend = sim.mintToken({ scopes: [SCOPES.provisionWrite] });
    expect((await call(base, 'POST', `${UPS}/Users`, { token: noSpend, body: userBody(1, { [SPEND]: spend }) })).status).toBe(403);
    expect((await call(base, 'POST', `${UPS}/Users`, { token: noSpend, body: userBody(1) })).status).toBe(201);
  });

  it('completes on its own after the configured delay', async () => {
    const quick = createConcurSimulator({ provisionDelayMs: 20, provisionPolls: 100 });
    const { url } = await quick.listen(0);
    try {
      const r = await call(url, 'POST', `${UPS}/Users`, { token: T, body: userBody(1, { [SPEND]: spend }) });
      const deadline = Date.now() + 5000;
      // Await the condition (the simulator's timer), not a fixed sleep.
      while (!quick.users()[0][SPEND] && Date.now() < deadline) await new Promise((res) => setImmediate(res));
      const s = await call(url, 'GET', `${UPS}/provisions/${r.body.meta.provisionId}/status`, { token: T });
      expect(s.body.status).toEqual({ completed: true, success: true });
    } finally {
      await quick.close();
    }
  });
});
