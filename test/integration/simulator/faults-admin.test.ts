import { request, Pool } from 'undici';
import { createConcurSimulator, DEMO_TOKEN, type ConcurSimulator } from '../../../simulators/concur';
import { call, CONCUR_ERROR, ID, userBody } from './sim-client';

let sim: ConcurSimulator;
let base: string;
const T = DEMO_TOKEN;

beforeAll(async () => {
  sim = createConcurSimulator({ legacyV1: true });
  ({ url: base } = await sim.listen(0));
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const list = () => call(base, 'GET', `${ID}/Users?count=1`, { token: T });

describe('faults', () => {
  it('adds latency', async () => {
    sim.setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 5xx at the configured rate, reproducibly with a seed', async () => {
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const r = await list();
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: '503', schemas: expect.arrayContaining([CONCUR_ERROR]) });
    const pattern = async () => {
      sim.setFaults({ errorRate: 0.5, seed: 7 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await list()).status);
      return out;
    };
    const a = await pattern();
    expect(a).toEqual(await pattern());
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it('throttles with 429, Retry-After and the documented body (digest A11)', async () => {
    sim.setFaults({ rateLimitRps: 0, retryAfterSeconds: 0 });
    const r = await list();
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('0');
    expect(r.body).toMatchObject({ httpStatus: '429 - Too Many Requests', error: { id: 'security.rate.limit.reached', message: 'Too many requests' }, path: `${ID}/Users` });
    sim.setFaults({ rateLimitRps: 3, retryAfterSeconds: 2 });
    const statuses = await Promise.all(Array.from({ length: 10 }, () => list().then((x) => x.status)));
    // A one-second window may roll over mid-burst, so allow up to two windows' worth of successes.
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBe(10 - ok);
  });

  it('loses answers: the user is created but the client never hears back, and stats count it', async () => {
    sim.setFaults({ lostResponseRate: 1 });
    await expect(call(base, 'POST', `${ID}/Users`, { token: T, body: userBody('lost') })).rejects.toThrow(/socket|closed|reset|other side/i);
    sim.setFaults({});
    expect(sim.users().map((u) => u.userName)).toEqual(['userlost@example.org']);
    expect(sim.requests().some((e) => e.fault === 'lost')).toBe(true);
    const stats = await call(base, 'GET', '/_sim/stats');
    expect(stats.body).toMatchObject({ requests: 1, lost: 1, resets: 0 });
    expect(sim.stats().byStatus).toEqual({ 200: 1 });
  });

  it('adds latency spikes to the configured share of requests', async () => {
    sim.setFaults({ spikeRate: 1, spikeMs: 150 });
    const started = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets connections', async () => {
    sim.setFaults({ resetNext: 1 });
    await expect(list()).rejects.toThrow(/socket|closed|reset/i);
    expect((await list()).status).toBe(200);
    expect(sim.requests().some((e) => e.fault === 'reset')).toBe(true);
  });

  it('holds requests without answering (timeouts)', async () => {
    sim.setFaults({ timeoutNext: 1 });
    const pool = new Pool(base, { headersTimeout: 300 });
    try {
      await expect(pool.request({ method: 'GET', path: `${ID}/Users`, headers: { authorization: `Bearer ${T}` } })).rejects.toThrow(/timeout/i);
    } finally {
      await pool.destroy();
    }
    expect((await list()).status).toBe(200);
  });

  it('fails poisoned userNames with their message, via the admin API too', async () => {
    const set = await call(base, 'POST', '/_sim/faults', { body: { poison: { 'user1@example.org': { message: 'Invalid List Item' } } } });
    expect(set.status).toBe(200);
    expect((await call(base, 'GET', '/_sim/faults')).body.poison).toEqual({ 'user1@example.org': { message: 'Invalid List Item' } });
    const r = await call(base, 'POST', `${ID}/Users`, { token: T, body: userBody(1) });
    expect(r.status).toBe(400);
    expect(r.body[CONCUR_ERROR].messages[0]).toMatchObject({ code: 'INVALID_VALUE', message: 'Invalid List Item', schemaPath: 'userName' });
    expect((await call(base, 'POST', `${ID}/Users`, { token: T, body: userBody(2) })).status).toBe(200);
    expect((await call(base, 'POST', '/_sim/faults', { body: { errorRate: 5 } })).status).toBe(400);
  });

  it('never faults the admin endpoints', async () => {
    sim.setFaults({ errorRate: 1 });
    expect((await call(base, 'GET', '/_sim/health')).status).toBe(200);
  });
});

describe('admin endpoints', () => {
  it('mints tokens, lists users and requests (since), resets', async () => {
    const minted = await call(base, 'POST', '/_sim/token', { body: { scopes: ['identity.user.ids.read'], expiresInSeconds: 60 } });
    expect(minted.body).toMatchObject({ expires_in: 60, access_token: expect.any(String) });
    expect((await call(base, 'POST', `${ID}/Users`, { token: minted.body.access_token, body: userBody(1) })).status).toBe(403);
    await call(base, 'POST', `${ID}/Users`, { token: T, body: userBody(1) });
    const users = await call(base, 'GET', '/_sim/users');
    expect(users.body).toEqual([expect.objectContaining({ userName: 'user1@example.org', companyId: expect.any(String) })]);
    const all = (await call(base, 'GET', '/_sim/requests')).body;
    const last = all[all.length - 1];
    const since = (await call(base, 'GET', `/_sim/requests?since=${last.index}`)).body;
    expect(since[0].index).toBe(last.index);
    expect(since.length).toBeLessThan(all.length);
    expect((await call(base, 'POST', '/_sim/reset')).status).toBe(204);
    expect((await call(base, 'GET', '/_sim/users')).body).toEqual([]);
  });
});

describe('legacy User v1.0 XML', () => {
  const batch = `<batch xmlns="http://www.concursolutions.com/api/user/2011/02">
 <UserProfile><EmpId>E1001</EmpId><FeedRecordNumber>1</FeedRecordNumber><LoginId>ada@example.org</LoginId><Active>Y</Active>
  <Password>Init!Pass1</Password><FirstName>Ada</FirstName><LastName>Lovelace</LastName><LedgerKey>DEFAULT</LedgerKey>
  <LocaleName>en_US</LocaleName><CtryCode>US</CtryCode><CrnKey>USD</CrnKey><ExpenseUser>Y</ExpenseUser></UserProfile>
 <UserProfile><EmpId>E1002</EmpId><FeedRecordNumber>2</FeedRecordNumber><LoginId>bob@example.org</LoginId></UserProfile>
</batch>`;
  const post = (body: string, auth: string | null = `OAuth ${T}`) =>
    request(`${base}/api/user/v1.0/Users`, { method: 'POST', headers: { 'content-type': 'application/xml', ...(auth ? { authorization: auth } : {}) }, body }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));

  it('batch-creates, reports per-record failures (digest A12), reads back and deactivates', async () => {
    const r = await post(batch);
    expect(r.status).toBe(200);
    expect(r.text).toContain('<records-succeeded>1</records-succeeded><records-failed>1</records-failed>');
    expect(r.text).toMatch(/<error><EmployeeID>E1002<\/EmployeeID><FeedRecordNumber>2<\/FeedRecordNumber><message>MISSING_REQUIRED_FIELDS:Active,Password,LedgerKey,FirstName,LastName<\/message><\/error>/);
    expect(r.text).toContain('<UserInfo><EmployeeID>E1001</EmployeeID><FeedRecordNumber>1</FeedRecordNumber><Status>SUCCESS</Status></UserInfo>');
    const read = await request(`${base}/api/user/v1.0/User?loginID=ada%40example.org`, { headers: { authorization: `OAuth ${T}` } });
    const xml = await read.body.text();
    expect(xml).toContain('<LoginId>ada@example.org</LoginId>');
    expect(xml).toContain('<EmpId>E1001</EmpId>');
    expect(xml).toContain('<Active>Y</Active>');
    expect(xml).toContain('<CrnCode>USD</CrnCode>');
    const off = await post(`<batch><UserProfile><EmpId>E1001</EmpId><FeedRecordNumber>1</FeedRecordNumber><LoginId>ada@example.org</LoginId><Active>N</Active></UserProfile></batch>`);
    expect(off.text).toContain('<records-succeeded>1</records-succeeded>');
    expect(sim.users()[0]).toMatchObject({ active: false, meta: { version: expect.any(Number) } });
    expect(JSON.stringify(sim.requests())).not.toContain('Init!Pass1');
  });

  it('answers 401 without a header, 403 with a bad token, 400 on bad XML', async () => {
    expect((await post(batch, null)).status).toBe(401);
    const bad = await post(batch, 'OAuth nope');
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('<Message>');
    expect((await post('<batch><UserProfile>')).status).toBe(400);
  });
});
