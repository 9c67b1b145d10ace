import { LIMITS, SCOPES, UPS_BASE, URN_BULK, URN_CORE, URN_ENTERPRISE, URN_PATCH_OP, URN_SPEND, URN_TRAVEL } from './constants';
import { ConcurApiError, invalidValue, notFound, type ConcurMessage } from './concur-error';
import { isRecord } from './attribute-path';
import { discoveryRoutes, parseJsonBody } from './identity-routes';
import type { PatchOperation } from './patch-apply';
import { renderStatus, type ExtensionResult, type OperationResult } from './provisions';
import type { Router, SimRequest } from './router';
import type { SimContext } from './sim-context';
import type { AccessGrant } from './token-registry';
import { renderUser } from './user-view';
import { createUser, patchUser, replaceUser, requireWriteScopes } from './user-writes';
import { deleteUser } from './user-history';
import type { StoredUser } from './user-store';

/**
 * User Provisioning Service v4 (digest §4): identity applied synchronously for single-user calls,
 * extensions (and whole Bulk requests) when the provision completes, with per-extension results.
 */

type Extensions = Record<string, Record<string, unknown>>;

function identityResults(code: string): ExtensionResult[] {
  return [URN_CORE, URN_ENTERPRISE].map((name) => ({ name, status: { completed: true, success: true, code, result: 'success' as const } }));
}

/** Validates and stores each touched extension; failures are reported, identity stays applied. */
function applyExtensions(ctx: SimContext, user: StoredUser, next: Extensions, touched: string[], creating: boolean): ExtensionResult[] {
  const results: ExtensionResult[] = [];
  if (ctx.store.get(user.id) !== user) {
    // Deleted (or reset) before the provision completed.
    return touched.map((name) => ({ name, status: { completed: true, success: false, code: '404', result: 'not-processed' as const } }));
  }
  const stored: Extensions = { ...user.extensions };
  for (const urn of touched) {
    const data = next[urn];
    const messages: ConcurMessage[] = data === undefined ? [] : ctx.validator.checkExtension(urn, data);
    if (urn === URN_SPEND && !creating && data && data.testEmployee !== undefined && data.testEmployee !== user.extensions[URN_SPEND]?.testEmployee) {
      messages.push({ code: 'INVALID_VALUE', message: "'testEmployee' can only be set when the user is created", schemaPath: `${URN_SPEND}:testEmployee`, type: 'error' });
    }
    if (messages.length) {
      // Code "500" with result "error", as in a real failed spend extension (digest §4.2, REAL).
      results.push({ name: urn, status: { completed: true, success: false, code: '500', result: 'error' }, messages });
      continue;
    }
    if (data === undefined) delete stored[urn];
    else stored[urn] = data;
    results.push({ name: urn, status: { completed: true, success: true, code: '200', result: 'success' } });
  }
  if (touched.length) ctx.store.update(user, user.resource, ctx.now(), stored);
  return results;
}

function outcome(code: string, user: StoredUser, ext: ExtensionResult[]): OperationResult {
  const failed = ext.some((e) => !e.status.success);
  return { success: !failed, code: failed ? '207' : code, resourceId: user.id, extensions: [...identityResults(code), ...ext] };
}

function failure(err: unknown, resourceId?: string): OperationResult {
  const e = err instanceof ConcurApiError ? err : new ConcurApiError(500, (err as Error).message ?? 'internal error', { cause: err });
  return {
    success: false,
    code: String(e.status),
    resourceId,
    extensions: [
      { name: URN_CORE, status: { completed: true, success: false, code: String(e.status), result: 'error' }, messages: e.messages.length ? e.messages : [{ code: 'INVALID_VALUE', message: e.detail, type: 'error' }] },
    ],
  };
}

function requireExtensionScopes(ctx: SimContext, g: AccessGrant, body: Record<string, unknown>) {
  if (JSON.stringify(body).includes(URN_SPEND)) ctx.requireScopes(g, SCOPES.spendWrite);
}

function companyGrant(ctx: SimContext, req: SimRequest): AccessGrant {
  const g = ctx.authenticate(req);
  ctx.requireCompanyToken(g);
  ctx.requireScopes(g, SCOPES.provisionWrite);
  return g;
}

function withProvision(ctx: SimContext, user: StoredUser, provisionId: string): Record<string, unknown> {
  const r = renderUser(user, ctx.baseUrl);
  return {
    ...r,
    ...user.extensions,
    meta: { ...(r.meta as object), provisionId, statusUrl: `${ctx.baseUrl}${UPS_BASE}/provisions/${provisionId}/status` },
  };
}

function checkPatchBody(ctx: SimContext, body: Record<string, unknown>): PatchOperation[] {
  ctx.validator.check('upsPatch', body);
  if (!(body.schemas as string[]).includes(URN_PATCH_OP)) throw invalidValue('schemas', `'schemas' must contain ${URN_PATCH_OP}`, 'invalidSyntax');
  return body.Operations as PatchOperation[];
}

/** Runs one bulk operation at completion time. */
function runBulkOp(ctx: SimContext, g: AccessGrant, op: Record<string, unknown>, bulkIds: Map<string, string>): OperationResult {
  const method = String(op.method);
  const data = isRecord(op.data) ? op.data : {};
  const m = /^\/Users(?:\/([^/]+))?$/.exec(String(op.path));
  const id = m?.[1] ? (m[1].startsWith('bulkId:') ? bulkIds.get(m[1].slice(7)) ?? m[1] : m[1]) : undefined;
  try {
    if (method === 'POST') {
      if (id) throw invalidValue('path', 'POST must address /Users');
      const { user, extensions } = createUser(ctx, g, data, 'upsUser');
      if (op.bulkId) bulkIds.set(String(op.bulkId), user.id);
      return outcome('201', user, applyExtensions(ctx, user, extensions, Object.keys(extensions), true));
    }
    if (!id) throw invalidValue('path', `${method} must address /Users/{id}`);
    const user = ctx.store.getInCompany(id, g.companyId);
    if (!user) throw notFound(`User ${id}`);
    if (method === 'DELETE') {
      deleteUser(ctx.store, user);
      return { success: true, code: '204', resourceId: id, extensions: [] };
    }
    if (method === 'PUT') {
      if (data.id !== id) throw invalidValue('id', 'A PUT operation must repeat the user id in data');
      const r = replaceUser(ctx, user, data, 'upsUser');
      return outcome('200', r.user, applyExtensions(ctx, r.user, r.extensions, Object.keys(r.extensions), false));
    }
    const ops = checkPatchBody(ctx, data);
    const r = patchUser(ctx, user, ops, 'upsUser');
    return outcome('200', r.user, applyExtensions(ctx, r.user, r.extensions, r.touchedExtensions, false));
  } catch (err) {
    return failure(err, id);
  }
}

export function upsRoutes(router: Router, ctx: SimContext): void {
  const base = UPS_BASE;

  router.add('POST', `${base}/Users`, (req) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.provisionWrite);
    requireExtensionScopes(ctx, g, body);
    const { user, extensions } = createUser(ctx, g, body, 'upsUser');
    const prov = ctx.provisions.submit({
      companyId: g.companyId,
      type: 'User',
      correlationId: req.correlationId,
      ops: [{ resourceId: user.id, run: () => outcome('201', user, applyExtensions(ctx, user, extensions, Object.keys(extensions), true)) }],
    });
    return { status: 201, body: withProvision(ctx, user, prov.id) };
  });

  router.add('PUT', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.provisionWrite);
    requireExtensionScopes(ctx, g, body);
    const found = ctx.store.getInCompany(p.id, g.companyId);
    if (!found) throw notFound(`User ${p.id}`);
    const { user, extensions } = replaceUser(ctx, found, body, 'upsUser');
    const prov = ctx.provisions.submit({
      companyId: g.companyId,
      type: 'User',
      correlationId: req.correlationId,
      ops: [{ resourceId: user.id, run: () => outcome('200', user, applyExtensions(ctx, user, extensions, Object.keys(extensions), false)) }],
    });
    return { status: 200, body: withProvision(ctx, user, prov.id) };
  });

  router.add('PATCH', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.provisionWrite);
    requireExtensionScopes(ctx, g, body);
    const ops = checkPatchBody(ctx, body);
    const found = ctx.store.getInCompany(p.id, g.companyId);
    if (!found) throw notFound(`User ${p.id}`);
    const { user, extensions, touchedExtensions } = patchUser(ctx, found, ops, 'upsUser');
    const prov = ctx.provisions.submit({
      companyId: g.companyId,
      type: 'User',
      correlationId: req.correlationId,
      ops: [{ resourceId: user.id, run: () => outcome('200', user, applyExtensions(ctx, user, extensions, touchedExtensions, false)) }],
    });
    return { status: 200, body: withProvision(ctx, user, prov.id) };
  });

  router.add('DELETE', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    const found = ctx.store.getInCompany(p.id, g.companyId);
    if (!found) throw notFound(`User ${p.id}`);
    deleteUser(ctx.store, found);
    return { status: 204 };
  });

  router.add('POST', `${base}/Bulk`, (req) => {
    const g = companyGrant(ctx, req);
    if (req.bodyBytes > LIMITS.bulkMaxBytes) {
      throw new ConcurApiError(413, `A bulk request may carry at most ${LIMITS.bulkMaxBytes} bytes`, { scimType: 'tooLarge', messages: [{ code: 'INVALID_VALUE', message: 'Payload too large', type: 'error' }] });
    }
    const body = parseJsonBody(req);
    requireExtensionScopes(ctx, g, body);
    ctx.validator.check('upsBulk', body);
    if (!(body.schemas as string[]).includes(URN_BULK)) throw invalidValue('schemas', `'schemas' must contain ${URN_BULK}`, 'invalidSyntax');
    const ops = body.Operations as Array<Record<string, unknown>>;
    if (ops.length > LIMITS.bulkMaxOperations) {
      throw new ConcurApiError(413, `A bulk request may carry at most ${LIMITS.bulkMaxOperations} operations`, { scimType: 'tooMany', messages: [{ code: 'INVALID_VALUE', message: `At most ${LIMITS.bulkMaxOperations} operations`, schemaPath: 'Operations', type: 'error' }] });
    }
    const seen = new Set<string>();
    ops.forEach((op, i) => {
      if (op.method === 'POST' && (typeof op.bulkId !== 'string' || !op.bulkId)) throw invalidValue(`Operations[${i}].bulkId`, "'bulkId' is required for POST operations");
      if (typeof op.bulkId === 'string') {
        if (seen.has(op.bulkId)) throw invalidValue(`Operations[${i}].bulkId`, `'bulkId' ${op.bulkId} is not unique in the request`);
        seen.add(op.bulkId);
      }
    });
    const bulkIds = new Map<string, string>();
    const failOnErrors = typeof body.failOnErrors === 'number' && body.failOnErrors > 0 ? body.failOnErrors : undefined;
    const prov = ctx.provisions.submit({
      companyId: g.companyId,
      type: 'Bulk',
      correlationId: req.correlationId,
      failOnErrors,
      ops: ops.map((op) => ({ bulkId: typeof op.bulkId === 'string' ? op.bulkId : undefined, run: () => runBulkOp(ctx, g, op, bulkIds) })),
    });
    return { status: 202, body: renderStatus(prov, ctx.baseUrl, false), headers: { location: `${ctx.baseUrl}${base}/provisions/${prov.id}/status` } };
  });

  router.add('GET', `${base}/provisions/:id/status`, (req, p) => {
    const g = ctx.authenticate(req);
    ctx.requireCompanyToken(g);
    ctx.requireAnyScope(g, [SCOPES.provisionRead, SCOPES.provisionWrite]);
    const prov = ctx.provisions.get(p.id, g.companyId);
    if (!prov) throw notFound(`Provision ${p.id}`);
    ctx.provisions.poll(prov);
    const attrs = req.query.get('attributes');
    if (attrs && attrs !== 'operations') throw invalidValue('attributes', "'attributes' may only be 'operations'");
    const state = req.query.get('state') ?? undefined;
    if (state && !['success', 'failed', 'pending'].includes(state)) throw invalidValue('state', "'state' must be success, failed or pending");
    const startIndex = Number(req.query.get('startIndex') ?? 1);
    const count = Number(req.query.get('count') ?? 100);
    if (!Number.isInteger(startIndex) || startIndex < 1) throw invalidValue('startIndex', "'startIndex' must be a positive integer");
    if (!Number.isInteger(count) || count < 0) throw invalidValue('count', "'count' must be a non-negative integer");
    return { status: 200, body: renderStatus(prov, ctx.baseUrl, attrs === 'operations', startIndex, count, state as 'success' | 'failed' | 'pending' | undefined) };
  });

  // Reading extensions back (digest §4.3): Spend v4.1 and Travel v4 profile endpoints.
  for (const [path, urn, scope] of [
    ['/profile/spend/v4.1/Users/:id', URN_SPEND, SCOPES.spendRead],
    ['/profile/travel/v4/Users/:id', URN_TRAVEL, SCOPES.travelRead],
  ] as const) {
    router.add('GET', path, (req, p) => {
      const g = ctx.authenticate(req);
      ctx.requireCompanyToken(g);
      ctx.requireScopes(g, scope);
      const u = ctx.store.getInCompany(p.id, g.companyId);
      if (!u || !u.extensions[urn]) throw notFound(`User ${p.id}`);
      return { status: 200, body: { schemas: [urn], id: u.id, [urn]: u.extensions[urn] } };
    });
  }

  discoveryRoutes(router, ctx, base, true);
}
