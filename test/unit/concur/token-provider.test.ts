import type { ConnectionConfig } from '../../../src/domain/config/connection-config';
import { createConcurConnector } from '../../../src/targets/concur/concur-connector-factory';
import { ConcurConnectionError, ConcurTransientError } from '../../../src/targets/concur/concur-errors';
import { OAuth2TokenProvider } from '../../../src/targets/concur/concur-token-provider';
import { InMemoryConcurTokenStore } from '../../../src/targets/concur/concur-token-store';
import { ContractValidator } from './support/openapi-contract';
import { COMPANY_ID, ORIGIN, USER_ID, fastDeps, json, listResponse, mockConcur, secrets, staticConnection, userResource, type MockConcur } from './support/mock-concur';

const EU = 'https://eu2.api.concursolutions.com';
const TOKEN = { path: '/oauth2/v0/token', method: 'POST' };
const SECRETS = { 'env:CID_SECRET': 'client-secret-value', 'env:RT': 'RT1', 'env:CRT': 'request-token-value' };

function oauthConnection(auth: Partial<Extract<ConnectionConfig['auth'], { type: 'oauth2' }>> = {}): ConnectionConfig {
  return staticConnection({ auth: { type: 'oauth2', clientId: 'demo-client', clientSecret: 'env:CID_SECRET', refreshToken: 'env:RT', ...auth } });
}

function tokenBody(access: string, extra: Record<string, unknown> = {}) {
  return { access_token: access, token_type: 'Bearer', expires_in: '3600', refresh_token: `${access}-rt`, geolocation: ORIGIN, ...extra };
}

let mock: MockConcur;
let store: InMemoryConcurTokenStore;
let clock: number;
let fast: ReturnType<typeof fastDeps>;

beforeEach(() => {
  mock = mockConcur();
  store = new InMemoryConcurTokenStore();
  clock = Date.parse('2026-03-01T00:00:00Z');
  fast = fastDeps();
});

afterEach(async () => {
  contract.checkAll(mock.requests.filter((r) => !r.path.startsWith('/oauth2')));
  await mock.close();
});

function provider(connection = oauthConnection()) {
  if (connection.auth.type !== 'oauth2') throw new Error('oauth2 expected');
  return new OAuth2TokenProvider({
    connectionId: connection.id,
    auth: connection.auth,
    baseUrl: connection.baseUrl,
    secrets: secrets(SECRETS),
    store,
    dispatcher: mock.dispatcher,
    timeoutMs: 1000,
    retry: fast.retry,
    sleep: fast.sleep,
    random: fast.random,
    now: () => clock,
  });
}

const contract = new ContractValidator();
const form = (i: number) => new URLSearchParams(mock.requests[i].rawBody);

test('refresh grant: token used until 5 min before expiry, then refreshed; the rotated refresh token is persisted', async () => {
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1', { refresh_token: 'RT2' }), { headers: json });
  const p = provider();
  await expect(p.get()).resolves.toEqual({ token: 'AT1', baseUrl: ORIGIN });
  expect(form(0).get('grant_type')).toBe('refresh_token');
  expect(form(0).get('refresh_token')).toBe('RT1');
  expect(await store.load('concur-test')).toMatchObject({ accessToken: 'AT1', refreshToken: 'RT2', geolocation: ORIGIN });

  clock += 54 * 60_000; // 6 min left: still good
  await expect(p.get()).resolves.toMatchObject({ token: 'AT1' });
  expect(mock.requests).toHaveLength(1);

  clock += 2 * 60_000; // 4 min left: refresh with the rotated token
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT2', { refresh_token: 'RT3', expires_in: 3600 }), { headers: json });
  await expect(p.get()).resolves.toMatchObject({ token: 'AT2' });
  expect(form(1).get('refresh_token')).toBe('RT2');
  expect((await store.load('concur-test'))?.refreshToken).toBe('RT3');
});

test('single flight: 20 concurrent callers share one refresh', async () => {
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1'), { headers: json }).delay(20);
  const p = provider();
  const tokens = await Promise.all(Array.from({ length: 20 }, () => p.get()));
  expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['AT1']));
  expect(p.grants).toBe(1);
  expect(mock.requests).toHaveLength(1);
});

test('a token stored by another worker is used without a grant; a process restart keeps the rotated refresh token', async () => {
  await store.save('concur-test', { accessToken: 'SHARED', expiresAt: new Date(clock + 3_600_000), refreshToken: 'RT9', geolocation: EU });
  await expect(provider().get()).resolves.toEqual({ token: 'SHARED', baseUrl: EU });
  expect(mock.requests).toHaveLength(0);
  clock += 3_600_000;
  mock.pool(EU).intercept(TOKEN).reply(200, tokenBody('AT5', { geolocation: EU }), { headers: json });
  await expect(provider().get()).resolves.toEqual({ token: 'AT5', baseUrl: EU });
  // The refresh went to the stored geolocation, with the stored (rotated) refresh token.
  expect(mock.requests[0].origin).toBe(EU);
  expect(form(0).get('refresh_token')).toBe('RT9');
});

test('company request token: password grant with credtype=authtoken and the company UUID', async () => {
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1'), { headers: json });
  const p = provider(oauthConnection({ refreshToken: undefined, companyRequestToken: 'env:CRT', companyUuid: COMPANY_ID }));
  await p.get();
  expect(Object.fromEntries(form(0))).toEqual({
    client_id: 'demo-client',
    client_secret: 'client-secret-value',
    grant_type: 'password',
    username: COMPANY_ID,
    password: 'request-token-value',
    credtype: 'authtoken',
  });
  expect(mock.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
});

test('code 16: retried at the returned geolocation, and API calls go there', async () => {
  mock.pool().intercept(TOKEN).reply(400, { code: 16, error: 'invalid_grant', error_description: 'wrong geolocation', geolocation: EU }, { headers: json });
  mock.pool(EU).intercept(TOKEN).reply(200, tokenBody('AT1', { geolocation: EU }), { headers: json });
  mock.pool(EU).intercept({ path: `/profile/identity/v4.1/Users/${USER_ID}`, method: 'GET' }).reply(200, userResource(), { headers: json });
  const connector = createConcurConnector(oauthConnection({ refreshToken: undefined, companyRequestToken: 'env:CRT', companyUuid: COMPANY_ID }), {
    secrets: secrets(SECRETS),
    tokens: store,
    dispatcher: mock.dispatcher,
    retry: fast.retry,
    sleep: fast.sleep,
  });
  await connector.identity.getUser(USER_ID);
  expect(mock.requests.map((r) => `${r.origin}${r.path}`)).toEqual([`${ORIGIN}/oauth2/v0/token`, `${EU}/oauth2/v0/token`, `${EU}/profile/identity/v4.1/Users/${USER_ID}`]);
  expect(mock.requests[2].headers.authorization).toBe('Bearer AT1');
  expect((await store.load('concur-test'))?.geolocation).toBe(EU);
  await connector.close();
});

test.each([
  ['http on a Concur host', 'http://eu2.api.concursolutions.com'],
  ['a look-alike domain', 'https://eu2.api.concursolutions.com.evil.example'],
  ['another host', 'https://attacker.example'],
  ['a path smuggled in', 'https://eu2.api.concursolutions.com/steal'],
])('code 16 to %s: refused with a typed error, nothing sent there', async (_what, geolocation) => {
  mock.pool().intercept(TOKEN).reply(400, { code: 16, error: 'invalid_grant', error_description: 'wrong geolocation', geolocation }, { headers: json });
  const err = await provider(oauthConnection({ refreshToken: undefined, companyRequestToken: 'env:CRT', companyUuid: COMPANY_ID }))
    .get()
    .catch((e) => e);
  expect(err).toBeInstanceOf(ConcurConnectionError);
  expect(err).toMatchObject({ reason: 'misconfigured', code: 'OAUTH_UNTRUSTED_GEOLOCATION' });
  expect(mock.requests.map((r) => r.origin)).toEqual([ORIGIN]);
});

test('an untrusted geolocation in a token answer is ignored: the token is kept (its rotated refresh token too), calls stay on the token host', async () => {
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1', { refresh_token: 'RT2', geolocation: 'https://attacker.example' }), { headers: json });
  const token = await provider().get();
  expect(token).toEqual({ token: 'AT1', baseUrl: ORIGIN });
  expect(await store.load('concur-test')).toMatchObject({ refreshToken: 'RT2', geolocation: ORIGIN });
});

test('a stored token with an untrusted geolocation (written before the rule) is not followed', async () => {
  await store.save('concur-test', { accessToken: 'OLD', expiresAt: new Date(clock + 3_600_000), refreshToken: 'RT9', geolocation: 'https://attacker.example' });
  expect(await provider().get()).toEqual({ token: 'OLD', baseUrl: ORIGIN });
});

test('the configured baseUrl origin is trusted as a geolocation even over http (a simulator)', async () => {
  const sim = 'http://127.0.0.1:8090';
  mock.pool(sim).intercept(TOKEN).reply(200, tokenBody('AT1', { geolocation: `${sim}/` }), { headers: json });
  const token = await provider({ ...oauthConnection(), baseUrl: sim }).get();
  expect(token).toEqual({ token: 'AT1', baseUrl: sim });
});

test.each([
  [5, 'bad-credentials'],
  [53, 'company-not-authorised'],
  [54, 'missing-scope'],
  [10, 'account-disabled'],
])('code %i is not retried and surfaces as connection error %s', async (code, reason) => {
  mock.pool().intercept(TOKEN).reply(400, { code, error: 'invalid_grant', error_description: 'refused' }, { headers: json });
  const err = await provider(oauthConnection({ refreshToken: undefined, companyRequestToken: 'env:CRT', companyUuid: COMPANY_ID }))
    .get()
    .catch((e) => e);
  expect(err).toBeInstanceOf(ConcurConnectionError);
  expect(err).toMatchObject({ reason, oauthCode: code, code: `OAUTH_${code}` });
  expect(mock.requests).toHaveLength(1);
  expect(err.message).not.toContain('request-token-value');
  expect(err.message).not.toContain('client-secret-value');
});

test('refresh token rejected (108) falls back to the company request token', async () => {
  mock.pool().intercept(TOKEN).reply(400, { code: 108, error: 'invalid_grant', error_description: 'Invalid refresh token' }, { headers: json });
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT7'), { headers: json });
  const p = provider(oauthConnection({ companyRequestToken: 'env:CRT', companyUuid: COMPANY_ID }));
  await expect(p.get()).resolves.toMatchObject({ token: 'AT7' });
  expect(form(1).get('grant_type')).toBe('password');
});

test('refresh token rejected (108) and nothing else → expired', async () => {
  mock.pool().intercept(TOKEN).reply(400, { code: 108, error: 'invalid_grant', error_description: 'Refresh token has expired' }, { headers: json });
  await expect(provider().get()).rejects.toMatchObject({ reason: 'expired', oauthCode: 108 });
});

test('token endpoint 503 then 200: retried; persistent 503 is transient', async () => {
  mock.pool().intercept(TOKEN).reply(503, {}, { headers: json });
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1'), { headers: json });
  await expect(provider().get()).resolves.toMatchObject({ token: 'AT1' });
  mock.pool().intercept(TOKEN).reply(503, {}, { headers: json }).times(4);
  const p = provider();
  await store.save('concur-test', { accessToken: 'x', expiresAt: new Date(clock - 1), refreshToken: 'RTx' });
  await expect(p.get()).rejects.toBeInstanceOf(ConcurTransientError);
});

test('a 401 from the API drops the token, refreshes once and retries; a second 401 is a connection error', async () => {
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT1'), { headers: json });
  mock.pool().intercept({ path: '/profile/identity/v4.1/Users?count=1&attributes=id', method: 'GET' }).reply(401, {}, { headers: json });
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT2'), { headers: json });
  mock.pool().intercept({ path: '/profile/identity/v4.1/Users?count=1&attributes=id', method: 'GET' }).reply(200, listResponse([]), { headers: json });
  const connector = createConcurConnector(oauthConnection(), { secrets: secrets(SECRETS), tokens: store, dispatcher: mock.dispatcher, retry: fast.retry, sleep: fast.sleep });
  await expect(connector.verifyCredentials()).resolves.toEqual({ ok: true });
  expect(mock.requests.filter((r) => r.path.startsWith('/profile')).map((r) => r.headers.authorization)).toEqual(['Bearer AT1', 'Bearer AT2']);

  mock.pool().intercept({ path: '/profile/identity/v4.1/Users?count=1&attributes=id', method: 'GET' }).reply(401, {}, { headers: json });
  mock.pool().intercept(TOKEN).reply(200, tokenBody('AT3'), { headers: json });
  mock.pool().intercept({ path: '/profile/identity/v4.1/Users?count=1&attributes=id', method: 'GET' }).reply(401, {}, { headers: json });
  await expect(connector.verifyCredentials()).resolves.toMatchObject({ ok: false, reason: 'bad-token' });
  await connector.close();
});

test('misconfigured: request token without company UUID', async () => {
  await expect(provider(oauthConnection({ refreshToken: undefined, companyRequestToken: 'env:CRT' })).get()).rejects.toMatchObject({ reason: 'misconfigured' });
  expect(mock.requests).toHaveLength(0);
});
