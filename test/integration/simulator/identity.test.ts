import { createConcurSimulator, DEMO_COMPANY_ID, DEMO_TOKEN, SCOPES, type ConcurSimulator } from '../../../simulators/concur';
import { call, CONCUR_ERROR, ENT, ID, PATCH_OP, SEARCH, userBody } from './sim-client';

let sim: ConcurSimulator;
let base: string;
const T = DEMO_TOKEN;

beforeAll(async () => {
  sim = createConcurSimulator({ companies: [{ id: DEMO_COMPANY_ID }, { id: 'other-co' }] });
  ({ url: base } = await sim.listen(0));
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function create(n: number | string, over: Record<string, unknown> = {}, token = T) {
  return call(base, 'POST', `${ID}/Users`, { token, body: userBody(n, over) });
}

describe('authentication and scopes', () => {
  it('answers 401 with Concur bodies for missing, unknown and expired tokens', async () => {
    const expired = sim.mintToken({ expiresInSeconds: 0 });
    for (const [token, detail] of [
      [null, 'missing'],
      ['nope', 'invalid'],
      [expired, 'expired'],
    ] as const) {
      const r = await call(base, 'GET', `${ID}/Users`, { token });
      expect(r.status).toBe(401);
      expect(r.body.status).toBe('401');
      expect(r.body.schemas).toContain(CONCUR_ERROR);
      expect(r.body.detail).toContain(detail);
      expect(r.headers['www-authenticate']).toContain('invalid_token');
    }
  });

  it('answers 403 when a scope is missing and filters reads by scope', async () => {
    const created = await create(1, { externalId: 'X1' });
    expect(created.status).toBe(200);
    const idsOnly = sim.mintToken({ scopes: [SCOPES.idsRead] });
    expect((await create(2, {}, idsOnly)).status).toBe(403);
    const r = await call(base, 'GET', `${ID}/Users/${created.body.id}`, { token: idsOnly });
    expect(Object.keys(r.body).sort()).toEqual(['externalId', 'id', 'meta', 'schemas', 'userName']);
    const noRead = sim.mintToken({ scopes: [SCOPES.coreEnterpriseWrite] });
    expect((await call(base, 'GET', `${ID}/Users`, { token: noRead })).status).toBe(403);
    const noExternal = sim.mintToken({ scopes: [SCOPES.coreEnterpriseWrite] });
    const r2 = await create(3, { externalId: 'X3' }, noExternal);
    expect(r2.status).toBe(403);
    expect(r2.body.detail).toContain(SCOPES.externalIdWrite);
    const noDelete = sim.mintToken({ scopes: [SCOPES.coreEnterpriseWrite, SCOPES.idsRead] });
    expect((await call(base, 'DELETE', `${ID}/Users/${created.body.id}`, { token: noDelete })).status).toBe(403);
  });

  it('serves the side-effect-free credential check', async () => {
    await create(1);
    await create(2);
    const token = sim.mintToken({ scopes: [SCOPES.idsRead] });
    const r = await call(base, 'GET', `${ID}/Users?count=1&attributes=id`, { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
    expect(r.body.Resources).toEqual([{ id: expect.any(String) }]);
    expect(r.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('users', () => {
  it('creates with 200, server defaults, and meta version 0 (digest A4)', async () => {
    const r = await create('ada');
    expect(r.status).toBe(200);
    expect(r.headers['concur-correlationid']).toBeTruthy();
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      displayName: 'Test Userada',
      timezone: 'America/New_York',
      preferredLanguage: 'en-US',
      meta: { resourceType: 'User', version: 0, location: `${base}${ID}/Users/${r.body.id}` },
      [ENT]: { companyId: DEMO_COMPANY_ID, employeeNumber: 'Eada', startDate: expect.stringMatching(/T00:00:00Z$/) },
    });
    expect(r.body.schemas).toEqual(expect.arrayContaining([ENT, 'urn:ietf:params:scim:schemas:extension:sap:2.0:User']));
    expect(sim.users()).toHaveLength(1);
  });

  it('rejects invalid bodies with Concur error bodies and schemaPath', async () => {
    const r = await create(1, { name: { givenName: 'x'.repeat(40), familyName: 'L' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: '400', scimType: 'invalidValue', [CONCUR_ERROR]: { messages: [{ code: 'INVALID_VALUE', schemaPath: 'name.givenName', type: 'error' }] } });
    const bad = await create(2, { userName: 'bad/name@example.org' });
    expect(bad.body[CONCUR_ERROR].messages[0].schemaPath).toBe('userName');
    const notJson = await call(base, 'POST', `${ID}/Users`, { token: T, raw: '{oops', headers: { 'content-type': 'application/json' } });
    expect(notJson.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('enforces uniqueness: userName across companies, employeeNumber per company', async () => {
    expect((await create(1)).status).toBe(200);
    const dupName = await create(1, { [ENT]: { employeeNumber: 'other' } });
    expect(dupName.status).toBe(409);
    expect(dupName.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const dupEmp = await create(2, { [ENT]: { employeeNumber: 'E1' } });
    expect(dupEmp.body[CONCUR_ERROR].messages[0].schemaPath).toBe(`${ENT}:employeeNumber`);
    const other = sim.mintToken({ companyId: 'other-co' });
    expect((await create(1, { userName: 'x@other.org' }, other)).status).toBe(200); // E1 again, other company
    expect((await create(9, { userName: 'user1@example.org' }, other)).status).toBe(409);
    expect((await create(5, { [ENT]: { companyId: 'other-co' } })).status).toBe(400);
  });

  it('patches with dotted, URN and filtered paths; bumps version; keeps companyId immutable', async () => {
    const { body: u } = await create(1);
    const patch = (Operations: unknown[]) => call(base, 'PATCH', `${ID}/Users/${u.id}`, { token: T, body: { schemas: [PATCH_OP], Operations } });
    let r = await patch([
      { op: 'replace', path: 'name.familyName', value: 'King' },
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: `${ENT}:terminationDate`, value: '2026-01-31T00:00:00Z' },
      { op: 'add', path: 'emails[type eq "home"].value', value: 'home@example.org' },
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ active: false, displayName: 'Test King', meta: { version: 1 } });
    expect(r.body[ENT].terminationDate).toBe('2026-01-31T00:00:00Z');
    expect(r.body.emails).toHaveLength(2);
    r = await patch([{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(r.body).toMatchObject({ emails: [{ type: 'work' }], meta: { version: 2 } });
    r = await patch([{ op: 'replace', path: `${ENT}:companyId`, value: 'other-co' }]);
    expect(r.body).toMatchObject({ status: '400', scimType: 'mutability' });
    r = await patch([{ op: 'remove', path: 'name.givenName' }]);
    expect(r.body[CONCUR_ERROR].messages[0].schemaPath).toBe('name.givenName');
    r = await patch([{ op: 'remove' }]);
    expect(r.body.scimType).toBe('noTarget');
    expect((await call(base, 'GET', `${ID}/Users/${u.id}`, { token: T })).body.meta.version).toBe(2);
  });

  it('replaces with PUT and deletes with 204', async () => {
    const { body: u } = await create(1, { title: 'Engineer' });
    const put = await call(base, 'PUT', `${ID}/Users/${u.id}`, { token: T, body: userBody(1, { active: false }) });
    expect(put.status).toBe(200);
    expect(put.body).not.toHaveProperty('title');
    expect(put.body.meta.version).toBe(1);
    expect((await call(base, 'DELETE', `${ID}/Users/${u.id}`, { token: T })).status).toBe(204);
    const gone = await call(base, 'GET', `${ID}/Users/${u.id}`, { token: T });
    expect(gone.status).toBe(404);
    expect(gone.body.status).toBe('404');
  });

  it('enforces per-tenant required fields', async () => {
    const strict = createConcurSimulator({ companies: [{ id: 'strict', requiredFields: ['userName', 'title'] }] });
    const { url } = await strict.listen(0);
    try {
      const r = await call(url, 'POST', `${ID}/Users`, { token: strict.mintToken(), body: userBody(1) });
      expect(r.status).toBe(400);
      expect(r.body[CONCUR_ERROR].messages[0].schemaPath).toBe('title');
    } finally {
      await strict.close();
    }
  });
});

describe('search and paging', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 25; i++) await create(i, { active: i % 2 === 0 });
  });

  it('pages with nextCursor until the last page (no cursor there)', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call(base, 'POST', `${ID}/Users/.search`, { token: T, body: { schemas: [SEARCH], filter: 'active eq true', count: 5, cursor, attributes: ['userName'] } });
      expect(r.status).toBe(200);
      expect(r.body.totalResults).toBe(12);
      ids.push(...r.body.Resources.map((u: { id: string }) => u.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(12);
  });

  it('finds by employeeNumber with only the requested attributes (digest A6)', async () => {
    const r = await call(base, 'POST', `${ID}/Users/.search`, {
      token: T,
      body: { schemas: [SEARCH], filter: `${ENT}:employeeNumber eq "E7" or (userName sw "user1" and name.familyName eq "user13")`, attributes: ['userName', 'active'] },
    });
    expect(r.body.totalResults).toBe(2);
    expect(Object.keys(r.body.Resources[0]).sort()).toEqual(['active', 'id', 'userName']);
  });

  it('rejects bad filters, counts, startIndex and missing schemas', async () => {
    const s = (body: Record<string, unknown>) => call(base, 'POST', `${ID}/Users/.search`, { token: T, body: { schemas: [SEARCH], ...body } });
    expect((await s({ filter: 'userName eq' })).body.scimType).toBe('invalidFilter');
    expect((await s({ filter: 'title eq "x"' })).body.scimType).toBe('invalidFilter');
    expect((await s({ count: 1001 })).status).toBe(400);
    expect((await s({ startIndex: 1 })).status).toBe(400);
    expect((await call(base, 'POST', `${ID}/Users/.search`, { token: T, body: { filter: 'active eq true' } })).status).toBe(400);
    expect((await call(base, 'GET', `${ID}/Users?count=5000`, { token: T })).status).toBe(400);
    expect((await call(base, 'GET', `${ID}/Users?cursor=garbage`, { token: T })).status).toBe(400);
  });

  it('applies excludedAttributes on GET', async () => {
    const r = await call(base, 'GET', `${ID}/Users?count=2&excludedAttributes=emails,${ENT}`, { token: T });
    expect(r.body.Resources[0]).not.toHaveProperty('emails');
    expect(r.body.Resources[0]).not.toHaveProperty(ENT);
    expect(r.body.Resources[0]).toHaveProperty('userName');
  });
});

describe('discovery and transport', () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas; 403 for a bad token', async () => {
    expect((await call(base, 'GET', `${ID}/ServiceProviderConfig`, { token: T })).body.patch.supported).toBe(true);
    expect((await call(base, 'GET', `${ID}/ResourceTypes`, { token: T })).body.Resources[0].schemaExtensions[0]).toEqual({ schema: ENT, required: true });
    const schemas = await call(base, 'GET', `${ID}/Schemas`, { token: T });
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toContain(ENT);
    const one = await call(base, 'GET', `${ID}/Schemas/${ENT}`, { token: T });
    expect(one.body.attributes.map((a: { name: string }) => a.name)).toContain('employeeNumber');
    expect((await call(base, 'GET', `${ID}/ServiceProviderConfig`, { token: 'bad' })).status).toBe(403);
  });

  it('rejects chunked bodies like Concur and logs requests without secrets', async () => {
    const { request } = await import('undici');
    const { Readable } = await import('node:stream');
    const res = await request(`${base}${ID}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${T}`, 'content-type': 'application/json' },
      body: Readable.from([Buffer.from(JSON.stringify(userBody(1)))]),
    });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { detail: string }).detail).toContain('Chunked');
    const log = sim.requests();
    expect(log[log.length - 1]).toMatchObject({ method: 'POST', status: 400, headers: { authorization: 'Bearer [redacted]' } });
    expect(JSON.stringify(log)).not.toContain(T);
  });
});
