import { createConcurSimulator, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_COMPANY_ID, DEMO_REFRESH_TOKEN, DEMO_REQUEST_TOKEN, type ConcurSimulator } from '../../../simulators/concur';
import { call, ID } from './sim-client';

let sim: ConcurSimulator;
let base: string;
const client = { client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET };
const companyGrant = { ...client, grant_type: 'password', username: DEMO_COMPANY_ID, password: DEMO_REQUEST_TOKEN, credtype: 'authtoken' };

beforeAll(async () => {
  sim = createConcurSimulator();
  ({ url: base } = await sim.listen(0));
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const token = (form: Record<string, string>) => call(base, 'POST', '/oauth2/v0/token', { form });

describe('OAuth2 token endpoint', () => {
  it('exchanges a company request token (digest A1) and the token works', async () => {
    const r = await token(companyGrant);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, geolocation: base, refresh_token: expect.any(String), id_token: expect.any(String) });
    const claims = JSON.parse(Buffer.from(r.body.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: DEMO_COMPANY_ID, 'concur.type': 'company' });
    expect((await call(base, 'GET', `${ID}/Users?count=1&attributes=id`, { token: r.body.access_token })).status).toBe(200);
  });

  it('rotates refresh tokens: the old one is dead after use (digest A3)', async () => {
    const first = await token({ ...client, grant_type: 'refresh_token', refresh_token: DEMO_REFRESH_TOKEN });
    expect(first.status).toBe(200);
    const rt2 = first.body.refresh_token;
    expect(rt2).not.toBe(DEMO_REFRESH_TOKEN);
    const reused = await token({ ...client, grant_type: 'refresh_token', refresh_token: DEMO_REFRESH_TOKEN });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ code: 108, error: 'invalid_grant', error_description: expect.stringContaining('already been used') });
    expect((await token({ ...client, grant_type: 'refresh_token', refresh_token: rt2 })).status).toBe(200);
    expect((await token({ ...client, grant_type: 'refresh_token', refresh_token: 'made-up' })).body.code).toBe(108);
    expect((await token({ ...client, grant_type: 'refresh_token' })).body.code).toBe(106);
    const narrower = await token({ ...client, grant_type: 'refresh_token', refresh_token: (await token(companyGrant)).body.refresh_token, scope: 'identity.user.ids.read bogus.scope' });
    expect(narrower.body.code).toBe(54);
  });

  it("answers Concur's codes for bad clients and credentials", async () => {
    expect((await token({ client_secret: 'x', grant_type: 'password' })).body.code).toBe(62);
    expect((await token({ client_id: 'x', grant_type: 'password' })).body.code).toBe(63);
    expect((await token({ client_id: 'x', client_secret: 'y' })).body.code).toBe(65);
    const unknown = await token({ client_id: 'who', client_secret: 'y', grant_type: 'password' });
    expect(unknown).toMatchObject({ status: 401, body: { code: 61, error: 'invalid_client' } });
    expect((await token({ ...client, client_secret: 'wrong', grant_type: 'password' })).body.code).toBe(64);
    const badReq = await token({ ...companyGrant, password: 'stale-request-token' });
    expect(badReq.body).toEqual({ code: 5, error: 'invalid_grant', error_description: 'Incorrect Credentials. Please Retry' });
    expect((await token({ ...companyGrant, credtype: 'magic' })).body.code).toBe(120);
    expect((await token({ ...client, grant_type: 'implicit' })).body.error).toBe('unsupported_grant_type');
  });

  it('issues app tokens for client_credentials: no refresh token, refused by Identity', async () => {
    const r = await token({ ...client, grant_type: 'client_credentials' });
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeUndefined();
    expect((await call(base, 'GET', `${ID}/Users`, { token: r.body.access_token })).status).toBe(403);
  });

  it('honours short access-token lifetimes and expires_in as a string', async () => {
    const short = createConcurSimulator({ accessTokenTtlSeconds: 0, expiresInAsString: true });
    const { url } = await short.listen(0);
    try {
      const r = await call(url, 'POST', '/oauth2/v0/token', { form: companyGrant });
      expect(r.body.expires_in).toBe('0');
      const denied = await call(url, 'GET', `${ID}/Users`, { token: r.body.access_token });
      expect(denied.status).toBe(401);
      expect(denied.body.detail).toContain('expired');
    } finally {
      await short.close();
    }
  });

  it('sends clients elsewhere with code 16 when geolocation is wrong', async () => {
    const geo = createConcurSimulator({ wrongGeolocation: 'http://localhost:1' });
    const { url } = await geo.listen(0);
    const port = new URL(url).port;
    await geo.close();
    const moved = createConcurSimulator({ wrongGeolocation: `http://localhost:${port}` });
    await moved.listen(Number(port));
    try {
      const r = await call(`http://127.0.0.1:${port}`, 'POST', '/oauth2/v0/token', { form: companyGrant });
      expect(r.body).toMatchObject({ code: 16, geolocation: `http://localhost:${port}` });
      const retried = await call(`http://127.0.0.1:${port}`, 'POST', '/oauth2/v0/token', { form: companyGrant, headers: { host: `localhost:${port}` } });
      expect(retried.status).toBe(200);
    } finally {
      await moved.close();
    }
  });

  it('never logs secrets from token requests', async () => {
    await token(companyGrant);
    const logged = JSON.stringify(sim.requests());
    expect(logged).not.toContain(DEMO_CLIENT_SECRET);
    expect(logged).not.toContain(DEMO_REQUEST_TOKEN);
  });
});
