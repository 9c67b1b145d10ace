import { ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_COMPANY_ID, DEMO_REFRESH_TOKEN, DEMO_REQUEST_TOKEN, DEMO_TOKEN } from './constants';
import { ConcurApiError } from './concur-error';
import { FaultEngine } from './fault-engine';
import { DEFAULT_REQUIRED_FIELDS, type SimulatorOptions } from './options';
import { ProvisionQueue } from './provisions';
import { RequestValidator } from './request-validator';
import type { SimRequest } from './router';
import { TokenRegistry, type AccessGrant } from './token-registry';
import { UserStore } from './user-store';

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'stateFile' | 'wrongGeolocation' | 'geolocation' | 'faults' | 'requestToken' | 'refreshToken' | 'tls'>> &
  Pick<SimulatorOptions, 'stateFile' | 'wrongGeolocation' | 'geolocation' | 'faults' | 'tls'> & { requestToken: string; refreshToken: string };

export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  return {
    companies: o.companies?.length ? o.companies : [{ id: DEMO_COMPANY_ID }],
    demoToken: o.demoToken ?? DEMO_TOKEN,
    clients: o.clients ?? [{ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }],
    requestToken: o.requestToken ?? DEMO_REQUEST_TOKEN,
    refreshToken: o.refreshToken ?? DEMO_REFRESH_TOKEN,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: o.refreshTokenTtlSeconds ?? 182 * 24 * 3600,
    expiresInAsString: o.expiresInAsString ?? false,
    wrongGeolocation: o.wrongGeolocation,
    geolocation: o.geolocation,
    uniqueness: o.uniqueness ?? { status: 409, scimType: 'uniqueness' },
    requireCompanyId: o.requireCompanyId ?? false,
    provisionDelayMs: o.provisionDelayMs ?? 1000,
    provisionPolls: o.provisionPolls ?? 1,
    legacyV1: o.legacyV1 ?? false,
    stateFile: o.stateFile,
    faults: o.faults,
    requestLogLimit: o.requestLogLimit ?? 10_000,
    logBodies: o.logBodies ?? true,
    tls: o.tls,
  };
}

/** Shared state and the checks every API route starts with. */
export class SimContext {
  readonly store: UserStore;
  readonly tokens = new TokenRegistry();
  readonly validator = new RequestValidator();
  readonly faults = new FaultEngine();
  readonly provisions: ProvisionQueue;
  baseUrl = 'http://127.0.0.1';

  constructor(readonly options: ResolvedOptions) {
    this.store = new UserStore(options.uniqueness);
    this.provisions = new ProvisionQueue(options.provisionDelayMs, options.provisionPolls);
    this.seedTokens();
    if (options.faults) this.faults.set(options.faults);
  }

  get defaultCompany(): string {
    return this.options.companies[0].id;
  }

  hasCompany(id: string): boolean {
    return this.options.companies.some((c) => c.id === id);
  }

  requiredFields(companyId: string): readonly string[] {
    return this.options.companies.find((c) => c.id === companyId)?.requiredFields ?? DEFAULT_REQUIRED_FIELDS;
  }

  /** The static demo token and demo refresh token; re-run on reset. */
  seedTokens(): void {
    this.tokens.clear();
    this.tokens.addStatic(this.options.demoToken, { companyId: this.defaultCompany, scopes: new Set(ALL_SCOPES), expiresAt: Infinity, type: 'company' });
    const client = this.options.clients[0];
    if (client) {
      this.tokens.issueRefresh({ clientId: client.clientId, companyId: this.defaultCompany, scopes: [...ALL_SCOPES], type: 'company' }, this.options.refreshTokenTtlSeconds, this.options.refreshToken);
    }
  }

  geolocation(): string {
    return this.options.geolocation ?? this.baseUrl;
  }

  now(): string {
    return new Date().toISOString();
  }

  /** Bearer token → grant, or Concur's 401 (digest §3.2). */
  authenticate(req: SimRequest): AccessGrant {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    const found = this.tokens.lookup(m?.[1]);
    if (found.ok) return found.grant;
    const why = !h ? 'missing' : !m ? 'malformed' : found.reason;
    const detail = {
      missing: 'The Authorization header is missing',
      malformed: 'The Authorization header must be "Bearer <token>"',
      unknown: 'The access token is invalid',
      expired: 'The access token has expired',
    }[why as 'missing' | 'malformed' | 'unknown' | 'expired'];
    throw new ConcurApiError(401, detail, {
      messages: [{ code: why === 'expired' ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN', message: detail, type: 'error' }],
      headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${detail}"` },
    });
  }

  /** Identity and UPS take company tokens only (digest §1). */
  requireCompanyToken(g: AccessGrant): void {
    if (g.type !== 'company') throw forbidden('This API requires a company access token');
  }

  requireScopes(g: AccessGrant, ...scopes: string[]): void {
    const missing = scopes.filter((s) => !g.scopes.has(s));
    if (missing.length) throw forbidden(`The access token lacks the required scope(s): ${missing.join(' ')}`);
  }

  requireAnyScope(g: AccessGrant, scopes: string[]): void {
    if (!scopes.some((s) => g.scopes.has(s))) throw forbidden(`The access token needs one of the scopes: ${scopes.join(' ')}`);
  }

  /** Poisoned userNames fail every write (fault injection). */
  checkPoison(...userNames: unknown[]): void {
    for (const n of userNames) {
      const p = this.faults.poisonFor(n);
      if (p) {
        throw new ConcurApiError(p.status ?? 400, p.message, {
          scimType: 'invalidValue',
          messages: [{ code: 'INVALID_VALUE', message: p.message, schemaPath: 'userName', type: 'error' }],
        });
      }
    }
  }

  reset(): void {
    this.store.clear();
    this.provisions.clear();
    this.seedTokens();
    this.faults.set(this.options.faults ?? {});
  }
}

export function forbidden(detail: string): ConcurApiError {
  return new ConcurApiError(403, detail, { messages: [{ code: 'FORBIDDEN', message: detail, type: 'error' }] });
}
