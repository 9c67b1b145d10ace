/**
 * OAuth2 company tokens for a connection from `/oauth2/v0/token`, refreshed before they lapse,
 * one refresh at a time per connection, with the rotated refresh token persisted and calls sent
 * to the token's geolocation. (The static OAUTH_ACCESS_TOKEN is static-token-provider.ts.)
 */
import { request, type Dispatcher } from 'undici';
import type { ConcurAuthConfig } from '../../domain/config/connection-config';
import type { SecretResolver } from '../../domain/secrets';
import type { StoredOAuthToken } from '../../store/state-store';
import {
  ConcurConnectionError,
  ConcurTransientError,
  OAUTH_FATAL_CODES,
  OAUTH_TRANSIENT_CODES,
  OAUTH_WRONG_GEOLOCATION,
} from './concur-errors';
import type { ConcurLogger } from './concur-logger';
import type { ConcurTokenStore } from './concur-token-store';
import { geolocationPolicy, type GeolocationPolicy } from './geolocation-policy';
import { MAX_TOKEN_RESPONSE_BYTES, readCappedText } from './response-body';
import { DEFAULT_RETRY, retryDelay, type RetryOptions } from './retry-policy';
import type { AccessToken, ConcurTokenProvider } from './static-token-provider';
import { trimSlash } from './url-text';

export interface OAuth2TokenProviderOptions {
  connectionId: string;
  auth: Extract<ConcurAuthConfig, { type: 'oauth2' }>;
  /** Token endpoint host until a geolocation is known (ConnectionConfig.baseUrl). */
  baseUrl: string;
  secrets: SecretResolver;
  store: ConcurTokenStore;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Refresh this long before the access token expires (default 5 min). */
  refreshSkewMs?: number;
  retry?: RetryOptions;
  /** Origins trusted as a geolocation besides Concur's hosts and baseUrl's origin (tests). */
  trustedOrigins?: readonly string[];
  logger?: ConcurLogger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number | string;
  refresh_token?: string;
  refresh_expires_in?: number | string;
  geolocation?: string;
  code?: number | string;
  error?: string;
  error_description?: string;
}

type Grant = { kind: 'refresh_token'; refreshToken: string } | { kind: 'password'; companyUuid: string; requestToken: string };

/** Geolocation hops followed for code 16 before giving up (a loop would be a Concur bug). */
const MAX_GEO_HOPS = 2;

export class OAuth2TokenProvider implements ConcurTokenProvider {
  private current?: StoredOAuthToken;
  private inflight?: Promise<StoredOAuthToken>;
  private readonly rejected = new Set<string>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly geolocations: GeolocationPolicy;
  /** Number of token-endpoint grants made (for tests and metrics). */
  grants = 0;

  constructor(private readonly options: OAuth2TokenProviderOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.geolocations = geolocationPolicy(options.baseUrl, options.trustedOrigins);
  }

  /** Where to send calls with `token`: its geolocation when trusted, else the configured baseUrl. */
  private hostOf(token: StoredOAuthToken | undefined): string {
    return this.geolocations.accept(token?.geolocation) ?? trimSlash(this.options.baseUrl);
  }

  async get(): Promise<AccessToken> {
    const token = this.usable(this.current) ? this.current : await this.refresh();
    return { token: token!.accessToken, baseUrl: this.hostOf(token) };
  }

  invalidate(token: string): boolean {
    this.rejected.add(token);
    if (this.current?.accessToken === token) this.current = undefined;
    return true;
  }

  private usable(token: StoredOAuthToken | undefined): token is StoredOAuthToken {
    return (
      token !== undefined &&
      !this.rejected.has(token.accessToken) &&
      new Date(token.expiresAt).getTime() - (this.options.refreshSkewMs ?? 5 * 60_000) > this.now()
    );
  }

  /** Single flight: concurrent callers share one refresh. */
  private refresh(): Promise<StoredOAuthToken> {
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async obtain(): Promise<StoredOAuthToken> {
    const { store, connectionId } = this.options;
    // Another worker may have refreshed (and rotated the refresh token) since we last looked.
    const stored = await store.load(connectionId);
    if (this.usable(stored)) return (this.current = stored);
    const grants = await this.grants_(stored);
    if (grants.length === 0) {
      throw new ConcurConnectionError('misconfigured', 'the OAuth2 connection has neither a refresh token nor a company request token');
    }
    let last: unknown;
    for (const grant of grants) {
      try {
        const token = await this.exchange(grant, stored);
        await store.save(connectionId, token);
        this.options.logger?.info?.({ connectionId, grant: grant.kind, geolocation: token.geolocation }, 'concur token obtained');
        return (this.current = token);
      } catch (err) {
        last = err;
        // A rejected refresh token (108) may be stale while another grant still works.
        if (err instanceof ConcurConnectionError && (err.oauthCode === 108 || err.reason === 'bad-credentials')) {
          const reloaded = await store.load(connectionId);
          if (this.usable(reloaded)) return (this.current = reloaded);
          continue;
        }
        throw err;
      }
    }
    throw last;
  }

  /** Grants to try, best first: the stored (rotated) refresh token, the configured one, the request token. */
  private async grants_(stored: StoredOAuthToken | undefined): Promise<Grant[]> {
    const { auth, secrets } = this.options;
    const grants: Grant[] = [];
    if (stored?.refreshToken) grants.push({ kind: 'refresh_token', refreshToken: stored.refreshToken });
    const configured = auth.refreshToken ? await this.secret(secrets, auth.refreshToken, 'refresh token', 'auth.refreshToken') : undefined;
    if (configured && configured !== stored?.refreshToken) grants.push({ kind: 'refresh_token', refreshToken: configured });
    if (auth.companyRequestToken) {
      if (!auth.companyUuid) throw new ConcurConnectionError('misconfigured', 'a company request token needs the company UUID (auth.companyUuid)');
      grants.push({ kind: 'password', companyUuid: auth.companyUuid, requestToken: await this.secret(secrets, auth.companyRequestToken, 'company request token', 'auth.companyRequestToken') });
    }
    return grants;
  }

  private async secret(secrets: SecretResolver, ref: string, what: string, field: string): Promise<string> {
    try {
      return await secrets.resolve(ref, { owner: `connection:${this.options.connectionId}`, field });
    } catch (err) {
      throw new ConcurConnectionError('misconfigured', `the ${what} secret could not be resolved: ${(err as Error).message}`, { cause: err });
    }
  }

  private async exchange(grant: Grant, stored: StoredOAuthToken | undefined): Promise<StoredOAuthToken> {
    const { auth, secrets } = this.options;
    const form = new URLSearchParams({ client_id: auth.clientId, client_secret: await this.secret(secrets, auth.clientSecret, 'client secret', 'auth.clientSecret') });
    if (grant.kind === 'refresh_token') {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', grant.refreshToken);
    } else {
      form.set('grant_type', 'password');
      form.set('username', grant.companyUuid);
      form.set('password', grant.requestToken);
      form.set('credtype', 'authtoken');
    }
    let host = this.hostOf(stored);
    const retry = this.options.retry ?? DEFAULT_RETRY;
    const started = this.now();
    for (let attempt = 1, hops = 0; ; ) {
      let outcome: { status: number; body: TokenResponse };
      try {
        outcome = await this.post(host, form);
      } catch (err) {
        const transient = new ConcurTransientError('TOKEN_ENDPOINT_UNREACHABLE', 'the Concur token endpoint did not answer', { cause: err });
        if (!(await this.backoff(attempt++, undefined, retry, started))) {
          throw new ConcurConnectionError('unreachable', 'the Concur token endpoint is unreachable', { cause: transient });
        }
        continue;
      }
      const { status, body } = outcome;
      if (status === 200 && body.access_token) {
        this.grants++;
        return this.toStored(body, grant, host);
      }
      const code = body.code === undefined ? undefined : Number(body.code);
      const description = body.error_description ?? body.error ?? `HTTP ${status}`;
      if (code === OAUTH_WRONG_GEOLOCATION && body.geolocation && hops < MAX_GEO_HOPS) {
        const next = this.geolocations.accept(body.geolocation);
        if (!next) {
          throw new ConcurConnectionError('misconfigured', 'Concur sent the token request to a geolocation that is neither an https Concur host nor the configured baseUrl (code 16)', {
            oauthCode: code,
            status,
            code: 'OAUTH_UNTRUSTED_GEOLOCATION',
          });
        }
        hops++;
        host = next;
        this.options.logger?.info?.({ connectionId: this.options.connectionId, geolocation: host }, 'concur token: retrying at the returned geolocation (code 16)');
        continue;
      }
      if (code !== undefined && OAUTH_FATAL_CODES.has(code)) {
        throw new ConcurConnectionError(OAUTH_FATAL_CODES.get(code)!, `Concur refused the token request (code ${code}): ${description}`, { oauthCode: code, status, code: `OAUTH_${code}` });
      }
      if (status >= 500 || status === 429 || (code !== undefined && OAUTH_TRANSIENT_CODES.has(code))) {
        if (await this.backoff(attempt++, undefined, retry, started)) continue;
        throw new ConcurTransientError(code ? `OAUTH_${code}` : `TOKEN_HTTP_${status}`, `the Concur token endpoint is unavailable: ${description}`, { status });
      }
      throw new ConcurConnectionError(status === 401 || status === 403 ? 'bad-credentials' : 'misconfigured', `Concur refused the token request (HTTP ${status}${code ? `, code ${code}` : ''}): ${description}`, {
        oauthCode: code,
        status,
      });
    }
  }

  private async backoff(attempt: number, retryAfterMs: number | undefined, retry: RetryOptions, started: number): Promise<boolean> {
    if (attempt >= retry.maxAttempts) return false;
    const delay = retryDelay(attempt, retryAfterMs, retry, this.options.random);
    if (this.now() + delay - started > retry.maxElapsedMs) return false;
    await this.sleep(delay);
    return true;
  }

  private async post(host: string, form: URLSearchParams): Promise<{ status: number; body: TokenResponse }> {
    const res = await request(`${host}/oauth2/v0/token`, {
      method: 'POST',
      dispatcher: this.options.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = await readCappedText(res, MAX_TOKEN_RESPONSE_BYTES, false);
    let body: TokenResponse = {};
    try {
      body = text ? (JSON.parse(text) as TokenResponse) : {};
    } catch {
      body = {};
    }
    return { status: res.statusCode, body };
  }

  /**
   * An untrusted geolocation is ignored, not fatal: the grant may have rotated the refresh token,
   * which must still be stored or the connection is lost.
   */
  private trustedGeolocation(geolocation: string | undefined, host: string): string {
    if (geolocation === undefined) return host;
    const accepted = this.geolocations.accept(geolocation);
    if (!accepted) this.options.logger?.warn?.({ connectionId: this.options.connectionId }, 'concur token: untrusted geolocation ignored; calls stay on the token host');
    return accepted ?? host;
  }

  private toStored(body: TokenResponse, grant: Grant, host: string): StoredOAuthToken {
    const now = this.now();
    // SAP's documents give `expires_in` as a string in one place and a number in another: accept both.
    const expiresIn = Number(body.expires_in ?? 3600);
    const token: StoredOAuthToken = {
      accessToken: body.access_token!,
      expiresAt: new Date(now + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000),
      // Concur may rotate the refresh token on every grant: always keep the newest one.
      refreshToken: body.refresh_token ?? (grant.kind === 'refresh_token' ? grant.refreshToken : undefined),
      geolocation: this.trustedGeolocation(body.geolocation, host),
    };
    if (body.refresh_expires_in !== undefined) {
      const value = Number(body.refresh_expires_in);
      // Documented as an epoch; treat small numbers as a lifetime in seconds.
      if (Number.isFinite(value)) token.refreshExpiresAt = new Date(value > 1e9 ? value * 1000 : now + value * 1000);
    }
    return token;
  }
}
