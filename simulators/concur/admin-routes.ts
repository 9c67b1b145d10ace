import { ALL_SCOPES } from './constants';
import { invalidValue } from './concur-error';
import { isRecord } from './attribute-path';
import { parseFaultOptions } from './fault-options-parse';
import type { RequestLog } from './request-log';
import type { Router, SimRequest } from './router';
import type { SimContext } from './sim-context';
import { snapshotUser } from './sim-user';
import { setHistory } from './user-history';

/** Simulator-only endpoints under `/_sim` (no auth, never faulted, loopback only). */
function jsonBody(req: SimRequest): Record<string, unknown> {
  if (!req.rawBody) return {};
  try {
    const v = JSON.parse(req.rawBody) as unknown;
    if (isRecord(v)) return v;
  } catch {
    /* reported below */
  }
  throw invalidValue('(body)', 'The body must be a JSON object', 'invalidSyntax');
}

export function adminRoutes(router: Router, ctx: SimContext, log: RequestLog, extra: { onReset: () => void; stats: () => unknown }): void {
  router.add('GET', '/_sim/health', () => ({ status: 200, body: { ok: true, users: ctx.store.size, url: ctx.baseUrl } }));
  router.add('GET', '/_sim/stats', () => ({ status: 200, body: extra.stats() }));
  router.add('GET', '/_sim/users', () => ({ status: 200, body: [...ctx.store.all()].map((u) => snapshotUser(u, ctx.baseUrl)) }));
  router.add('GET', '/_sim/requests', (req) => {
    const since = Number(req.query.get('since') ?? 0);
    if (!Number.isInteger(since) || since < 0) throw invalidValue('since', "'since' must be a non-negative integer");
    return { status: 200, body: log.since(since) };
  });
  router.add('PUT', '/_sim/users/:id/history', (req, p) => {
    const b = jsonBody(req);
    if (typeof b.history !== 'boolean') throw invalidValue('history', "'history' must be true or false");
    setHistory(ctx.store, p.id, b.history);
    return { status: 204 };
  });
  router.add('POST', '/_sim/reset', () => {
    extra.onReset();
    return { status: 204 };
  });
  router.add('POST', '/_sim/token', (req) => {
    const b = jsonBody(req);
    const companyId = typeof b.companyId === 'string' ? b.companyId : ctx.defaultCompany;
    const scopes = Array.isArray(b.scopes) ? b.scopes.map(String) : [...ALL_SCOPES];
    const ttl = typeof b.expiresInSeconds === 'number' ? b.expiresInSeconds : ctx.options.accessTokenTtlSeconds;
    const t = ctx.tokens.mint({ companyId, scopes: new Set(scopes), type: 'company' }, ttl);
    return { status: 200, body: { access_token: t.token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' '), companyId } };
  });
  router.add('GET', '/_sim/faults', () => ({ status: 200, body: ctx.faults.get() }));
  router.add('POST', '/_sim/faults', (req) => {
    ctx.faults.set(parseFaultOptions(jsonBody(req)));
    return { status: 200, body: ctx.faults.get() };
  });
}
