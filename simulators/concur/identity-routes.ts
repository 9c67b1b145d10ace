import { IDENTITY_BASE, LIMITS, SCOPES, URN_ENTERPRISE, URN_LIST, URN_PATCH_OP, URN_SEARCH } from './constants';
import { ConcurApiError, invalidValue, notFound } from './concur-error';
import { buildDiscovery, listResponse, type Discovery } from './discovery';
import type { PatchOperation } from './patch-apply';
import type { Router, SimRequest, SimResponse } from './router';
import { compileFilter, matchesFilter } from './scim-filter-match';
import type { FilterNode } from './scim-filter';
import { forbidden, type SimContext } from './sim-context';
import type { AccessGrant } from './token-registry';
import { limitToScopes, parseAttributeList, project, renderUser, type Projection, type UserResource } from './user-view';
import { createUser, patchUser, replaceUser, requireWriteScopes } from './user-writes';
import { deleteUser } from './user-history';
import type { StoredUser } from './user-store';

const READ_SCOPES = [SCOPES.idsRead, SCOPES.coreRead, SCOPES.coreSensitiveRead, SCOPES.enterpriseRead, SCOPES.sapRead];

export function parseJsonBody(req: SimRequest): Record<string, unknown> {
  if (!req.rawBody) throw new ConcurApiError(400, 'A request body is required', { scimType: 'invalidSyntax', messages: [{ code: 'INVALID_VALUE', message: 'A request body is required', type: 'error' }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody);
  } catch (err) {
    throw new ConcurApiError(400, `The request body is not valid JSON: ${(err as Error).message}`, {
      scimType: 'invalidSyntax',
      messages: [{ code: 'INVALID_VALUE', message: 'The request body is not valid JSON', type: 'error' }],
      cause: err,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConcurApiError(400, 'The request body must be a JSON object', { scimType: 'invalidSyntax', messages: [{ code: 'INVALID_VALUE', message: 'The request body must be a JSON object', type: 'error' }] });
  }
  return parsed as Record<string, unknown>;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`c:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^c:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalidValue('cursor', 'The cursor is invalid');
  return Number(m[1]);
}

export interface PageQuery {
  filter?: FilterNode;
  count: number;
  cursor?: string;
  projection: Projection;
}

/**
 * Users an `eq` on an indexed attribute can only be among (the connector's look-up before create),
 * so such searches cost O(1) rather than a scan; undefined when the filter is not indexable.
 */
function indexedCandidates(ctx: SimContext, companyId: string, f: FilterNode | undefined): StoredUser[] | undefined {
  if (!f) return undefined;
  if (f.kind === 'and') return indexedCandidates(ctx, companyId, f.left) ?? indexedCandidates(ctx, companyId, f.right);
  if (f.kind === 'or') {
    // The connector's look-up ORs employeeNumber and userName: a union of two index hits.
    const left = indexedCandidates(ctx, companyId, f.left);
    const right = left && indexedCandidates(ctx, companyId, f.right);
    return left && right ? [...new Set([...left, ...right])] : undefined;
  }
  if (f.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string' || f.path.sub) return undefined;
  const attr = f.path.attr?.toLowerCase();
  let u: StoredUser | undefined;
  if (!f.path.urn && attr === 'username') u = ctx.store.byUserNameAnyCompany(f.value);
  else if (!f.path.urn && attr === 'id') u = ctx.store.get(f.value);
  else if (!f.path.urn && attr === 'externalid') return undefined; // case-insensitive match: scan
  else if (f.path.urn === URN_ENTERPRISE && attr === 'employeenumber') u = ctx.store.byEmployeeNumber(companyId, f.value);
  else return undefined;
  return u && u.companyId === companyId ? [u] : [];
}

/** Cursor paging over the company's users in creation order (digest §3.5). */
export function pageUsers(ctx: SimContext, grant: AccessGrant, q: PageQuery): Record<string, unknown> {
  const after = q.cursor ? decodeCursor(q.cursor) : 0;
  let total = 0;
  let beyond = 0;
  const page: StoredUser[] = [];
  for (const u of indexedCandidates(ctx, grant.companyId, q.filter) ?? ctx.store.inCompany(grant.companyId)) {
    if (q.filter && !matchesFilter(renderUser(u, ctx.baseUrl), q.filter)) continue;
    total++;
    if (u.seq <= after) continue;
    if (page.length < q.count) page.push(u);
    else beyond++;
  }
  const body: Record<string, unknown> = {
    schemas: [URN_LIST],
    totalResults: total,
    itemsPerPage: page.length,
    startIndex: 1,
    Resources: page.map((u) => view(ctx, grant, u, q.projection)),
  };
  if (beyond > 0 && page.length > 0) body.nextCursor = encodeCursor(page[page.length - 1].seq);
  return body;
}

function view(ctx: SimContext, grant: AccessGrant, u: StoredUser, projection: Projection): UserResource {
  return project(limitToScopes(renderUser(u, ctx.baseUrl), grant.scopes), projection);
}

function parseCount(raw: unknown, min: number): number {
  if (raw === undefined || raw === null || raw === '') return LIMITS.defaultPageSize;
  const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > LIMITS.maxPageSize) throw invalidValue('count', `'count' must be an integer from ${min} to ${LIMITS.maxPageSize}`);
  return n;
}

function companyGrant(ctx: SimContext, req: SimRequest): AccessGrant {
  const g = ctx.authenticate(req);
  ctx.requireCompanyToken(g);
  return g;
}

function userOr404(ctx: SimContext, grant: AccessGrant, id: string): StoredUser {
  const u = ctx.store.getInCompany(id, grant.companyId);
  if (!u) throw notFound(`User ${id}`);
  return u;
}

function ok(body: unknown, status = 200): SimResponse {
  return { status, body };
}

/** Discovery needs a valid token but no scope; a bad token there is answered 403 (ID41-SW). */
function discoveryGrant(ctx: SimContext, req: SimRequest): void {
  try {
    ctx.authenticate(req);
  } catch (err) {
    if (err instanceof ConcurApiError) throw forbidden(err.detail);
    throw err;
  }
}

export function discoveryRoutes(router: Router, ctx: SimContext, base: string, ups: boolean): void {
  let cached: { url: string; d: Discovery } | undefined;
  const docs = () => {
    if (!cached || cached.url !== ctx.baseUrl) cached = { url: ctx.baseUrl, d: buildDiscovery(ctx.baseUrl, base, ups) };
    return cached.d;
  };
  router.add('GET', `${base}/ServiceProviderConfig`, (req) => (discoveryGrant(ctx, req), ok(docs().serviceProviderConfig)));
  router.add('GET', `${base}/ResourceTypes`, (req) => (discoveryGrant(ctx, req), ok(listResponse(docs().resourceTypes))));
  router.add('GET', `${base}/ResourceTypes/:id`, (req, p) => {
    discoveryGrant(ctx, req);
    const rt = docs().resourceTypes.find((r) => r.id === p.id);
    if (!rt) throw notFound(`ResourceType ${p.id}`);
    return ok(rt);
  });
  router.add('GET', `${base}/Schemas`, (req) => (discoveryGrant(ctx, req), ok(listResponse(docs().schemas))));
  router.add('GET', `${base}/Schemas/:id`, (req, p) => {
    discoveryGrant(ctx, req);
    const s = docs().schemas.find((r) => String(r.id).toLowerCase() === p.id.toLowerCase());
    if (!s) throw notFound(`Schema ${p.id}`);
    return ok(s);
  });
}

/** Identity v4.1 (digest §3). */
export function identityRoutes(router: Router, ctx: SimContext): void {
  const base = IDENTITY_BASE;

  router.add('GET', `${base}/Users`, (req) => {
    const g = companyGrant(ctx, req);
    ctx.requireAnyScope(g, READ_SCOPES);
    if (req.query.has('startIndex')) throw invalidValue('startIndex', "'startIndex' is not supported; page with 'cursor'");
    if (req.query.has('filter')) throw invalidValue('filter', "Identity v4.1 filters with POST /Users/.search", 'invalidFilter');
    const projection = { attributes: parseAttributeList(req.query.get('attributes') ?? undefined), excluded: parseAttributeList(req.query.get('excludedAttributes') ?? undefined) };
    return ok(pageUsers(ctx, g, { count: parseCount(req.query.get('count'), 0), cursor: req.query.get('cursor') || undefined, projection }));
  });

  router.add('POST', `${base}/Users/.search`, (req) => {
    const g = companyGrant(ctx, req);
    ctx.requireAnyScope(g, READ_SCOPES);
    const body = parseJsonBody(req);
    ctx.validator.check('identitySearch', body);
    if (!Array.isArray(body.schemas) || !body.schemas.includes(URN_SEARCH)) throw invalidValue('schemas', `'schemas' must contain ${URN_SEARCH}`, 'invalidSyntax');
    if (body.startIndex !== undefined) throw invalidValue('startIndex', "'startIndex' is not supported; page with 'cursor'");
    const filter = typeof body.filter === 'string' && body.filter.trim() ? compileFilter(body.filter) : undefined;
    const projection = { attributes: parseAttributeList(body.attributes as string[] | undefined), excluded: parseAttributeList(body.excludedAttributes as string[] | undefined) };
    return ok(pageUsers(ctx, g, { filter, count: parseCount(body.count, 1), cursor: typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined, projection }));
  });

  router.add('GET', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    ctx.requireAnyScope(g, READ_SCOPES);
    const projection = { attributes: parseAttributeList(req.query.get('attributes') ?? undefined), excluded: parseAttributeList(req.query.get('excludedAttributes') ?? undefined) };
    return ok(view(ctx, g, userOr404(ctx, g, p.id), projection));
  });

  router.add('POST', `${base}/Users`, (req) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.coreEnterpriseWrite);
    const { user } = createUser(ctx, g, body, 'identityUser');
    // Identity documents 200 for create, not 201 (digest §3.2).
    return ok(renderUser(user, ctx.baseUrl));
  });

  router.add('PUT', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.coreEnterpriseWrite);
    const { user } = replaceUser(ctx, userOr404(ctx, g, p.id), body, 'identityUser');
    return ok(renderUser(user, ctx.baseUrl));
  });

  router.add('PATCH', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    const body = parseJsonBody(req);
    requireWriteScopes(ctx, g, body, SCOPES.coreEnterpriseWrite);
    ctx.validator.check('identityPatch', body);
    if (!(body.schemas as string[]).includes(URN_PATCH_OP)) throw invalidValue('schemas', `'schemas' must contain ${URN_PATCH_OP}`, 'invalidSyntax');
    const { user } = patchUser(ctx, userOr404(ctx, g, p.id), body.Operations as PatchOperation[], 'identityUser');
    return ok(renderUser(user, ctx.baseUrl));
  });

  router.add('DELETE', `${base}/Users/:id`, (req, p) => {
    const g = companyGrant(ctx, req);
    ctx.requireScopes(g, SCOPES.delete);
    deleteUser(ctx.store, userOr404(ctx, g, p.id));
    return { status: 204 };
  });

  discoveryRoutes(router, ctx, base, false);
}
