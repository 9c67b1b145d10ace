import { ALL_SCOPES, SCOPES } from './constants';
import { OAuthError } from './concur-error';
import type { Router, SimRequest, SimResponse } from './router';
import type { SimContext } from './sim-context';

/**
 * `POST /oauth2/v0/token` (digest §2.1): password (company request token via credtype=authtoken,
 * or a legacy user's password), refresh_token with rotation, client_credentials.
 */
const BAD_CREDENTIALS = 'Incorrect Credentials. Please Retry';

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

function requestedScopes(form: URLSearchParams, granted: readonly string[]): string[] {
  const raw = form.get('scope');
  if (!raw) return [...granted];
  const asked = raw.split(/\s+/).filter(Boolean);
  const extra = asked.filter((s) => !granted.includes(s));
  if (extra.length) throw new OAuthError(400, 54, 'invalid_scope', `Requested scope exceeds the granted scope: ${extra.join(' ')}`);
  return asked;
}

export function oauthRoutes(router: Router, ctx: SimContext): void {
  const tokenResponse = (clientId: string, companyId: string, scopes: string[], type: 'company' | 'app' | 'user', userId?: string): SimResponse => {
    const ttl = ctx.options.accessTokenTtlSeconds;
    const at = ctx.tokens.mint({ companyId, scopes: new Set(scopes), type, clientId, userId }, ttl);
    const nowSec = Math.floor(Date.now() / 1000);
    const body: Record<string, unknown> = {
      access_token: at.token,
      token_type: 'Bearer',
      expires_in: ctx.options.expiresInAsString ? String(ttl) : ttl,
      scope: scopes.join(' '),
      geolocation: ctx.geolocation(),
      id_token: ctx.tokens.idToken({ iss: ctx.geolocation(), aud: clientId, sub: userId ?? companyId, 'concur.type': type === 'user' ? 'user' : type === 'app' ? 'app' : 'company', iat: nowSec, exp: nowSec + ttl }),
    };
    if (type !== 'app') {
      const rt = ctx.tokens.issueRefresh({ clientId, companyId, scopes, type, userId }, ctx.options.refreshTokenTtlSeconds);
      body.refresh_token = rt.token;
      body.refresh_expires_in = Math.floor(rt.expiresAt / 1000);
    }
    return { status: 200, body, headers: { 'cache-control': 'no-store' } };
  };

  const handle = (req: SimRequest): SimResponse => {
    const form = new URLSearchParams(req.rawBody);
    const clientId = form.get('client_id');
    const secret = form.get('client_secret');
    const grant = form.get('grant_type');
    if (!clientId) throw new OAuthError(400, 62, 'invalid_request', 'client_id is missing');
    if (!secret) throw new OAuthError(400, 63, 'invalid_request', 'client_secret is missing');
    if (!grant) throw new OAuthError(400, 65, 'invalid_request', 'grant_type is missing');
    const client = ctx.options.clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthError(401, 61, 'invalid_client', 'Unknown client');
    if (client.clientSecret !== secret) throw new OAuthError(401, 64, 'invalid_client', BAD_CREDENTIALS);
    if (client.disabled) throw new OAuthError(403, 59, 'unauthorized_client', 'Client is disabled');

    if (grant === 'client_credentials') return tokenResponse(clientId, ctx.defaultCompany, [SCOPES.provisionRead], 'app');

    if (grant === 'refresh_token') {
      const rt = form.get('refresh_token');
      if (!rt) throw new OAuthError(400, 106, 'invalid_request', 'refresh_token is missing');
      const used = ctx.tokens.consumeRefresh(rt, clientId);
      if (!used.ok) {
        const why = { unknown: 'Invalid refresh token', expired: 'Refresh token has expired', used: 'Refresh token has already been used', client: 'Refresh token was not issued to this client' }[used.reason];
        throw new OAuthError(400, 108, 'invalid_grant', why);
      }
      const scopes = requestedScopes(form, used.grant.scopes);
      return tokenResponse(clientId, used.grant.companyId, scopes, used.grant.type, used.grant.userId);
    }

    if (grant === 'password') {
      const credtype = form.get('credtype') ?? 'password';
      if (credtype !== 'password' && credtype !== 'authtoken') throw new OAuthError(400, 120, 'invalid_request', `Invalid credtype '${credtype}'`);
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      const geo = ctx.options.wrongGeolocation;
      if (geo && hostOf(geo) !== String(req.headers.host ?? '').toLowerCase()) {
        throw new OAuthError(400, 16, 'invalid_grant', 'Wrong geolocation: retry at the returned geolocation', geo);
      }
      if (credtype === 'authtoken') {
        if (!ctx.hasCompany(username)) throw new OAuthError(400, 5, 'invalid_grant', BAD_CREDENTIALS);
        if (password !== ctx.options.requestToken || username !== ctx.defaultCompany) throw new OAuthError(400, 5, 'invalid_grant', BAD_CREDENTIALS);
        return tokenResponse(clientId, username, [...ALL_SCOPES], 'company');
      }
      const user = ctx.store.byUserNameAnyCompany(username);
      if (!user || !user.password || user.password !== password) throw new OAuthError(400, 5, 'invalid_grant', BAD_CREDENTIALS);
      if (user.resource.active === false) throw new OAuthError(400, 10, 'invalid_grant', 'Account is disabled');
      return tokenResponse(clientId, user.companyId, [SCOPES.coreRead, SCOPES.idsRead], 'user', user.id);
    }
    throw new OAuthError(400, 65, 'unsupported_grant_type', `Unsupported grant_type '${grant}'`);
  };

  router.add('POST', '/oauth2/v0/token', (req) => {
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.includes('application/x-www-form-urlencoded')) throw new OAuthError(400, 65, 'invalid_request', 'The token request must be form-encoded (application/x-www-form-urlencoded)');
    return handle(req);
  });
}
