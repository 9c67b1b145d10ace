import { SCOPES, UPS_EXTENSION_URNS, URN_SAP } from './constants';
import { isRecord } from './attribute-path';
import { applyPatch, type PatchOperation } from './patch-apply';
import type { SchemaName } from './request-validator';
import type { SimContext } from './sim-context';
import type { AccessGrant } from './token-registry';
import { applyGenerated, applyServerDefaults, checkCompany, checkUserRules } from './user-rules';
import type { StoredUser } from './user-store';

/**
 * Identity writes shared by Identity v4.1, UPS and legacy v1: validate against the OpenAPI request
 * schema, Concur's rules and uniqueness, then store. Each returns the stored user or throws
 * Concur's error.
 */

const READ_ONLY_TOP = ['id', 'meta'];

/** Splits a request body into the identity resource and UPS extensions; drops read-only attributes. */
export function splitBody(body: Record<string, unknown>): { resource: Record<string, unknown>; extensions: Record<string, Record<string, unknown>> } {
  const resource: Record<string, unknown> = {};
  const extensions: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(body)) {
    if (READ_ONLY_TOP.includes(k)) continue;
    const ext = UPS_EXTENSION_URNS.find((u) => u.toLowerCase() === k.toLowerCase());
    if (ext) {
      if (isRecord(v)) extensions[ext] = v;
    } else {
      resource[k] = v;
    }
  }
  return { resource, extensions };
}

/** Write scopes beyond the base one, by what the body touches (digest §3.1). */
export function requireWriteScopes(ctx: SimContext, grant: AccessGrant, body: unknown, base: string): void {
  const text = JSON.stringify(body).toLowerCase();
  const need = [base];
  if (text.includes('"externalid"')) need.push(SCOPES.externalIdWrite);
  if (text.includes('"verified"') || text.includes('.verified"')) need.push(SCOPES.emailsVerifiedWrite);
  if (text.includes(URN_SAP.toLowerCase())) need.push(SCOPES.sapWrite);
  ctx.requireScopes(grant, ...need);
}

function finish(ctx: SimContext, schema: SchemaName, resource: Record<string, unknown>, companyId: string, previousCompany?: string) {
  ctx.validator.check(schema, resource);
  checkCompany(resource, companyId, previousCompany);
  checkUserRules(resource, ctx.requiredFields(companyId));
  applyGenerated(resource);
}

export function createUser(ctx: SimContext, grant: AccessGrant, body: Record<string, unknown>, schema: SchemaName, extra: { password?: string } = {}): { user: StoredUser; extensions: Record<string, Record<string, unknown>> } {
  ctx.checkPoison(body.userName);
  const { resource, extensions } = splitBody(structuredClone(body));
  applyServerDefaults(resource, grant.companyId, ctx.now(), !ctx.options.requireCompanyId);
  finish(ctx, schema, resource, grant.companyId);
  const user = ctx.store.insert(grant.companyId, resource, ctx.now(), { password: extra.password });
  return { user, extensions };
}

export function replaceUser(ctx: SimContext, user: StoredUser, body: Record<string, unknown>, schema: SchemaName): { user: StoredUser; extensions: Record<string, Record<string, unknown>> } {
  ctx.checkPoison(body.userName, user.resource.userName);
  const { resource, extensions } = splitBody(structuredClone(body));
  applyServerDefaults(resource, user.companyId, user.created, !ctx.options.requireCompanyId);
  finish(ctx, schema, resource, user.companyId, user.companyId);
  return { user: ctx.store.update(user, resource, ctx.now()), extensions };
}

/**
 * PATCH over the identity resource and the UPS extensions together, so extension paths work;
 * the identity part is validated and stored now, extensions are returned for the caller.
 */
export function patchUser(ctx: SimContext, user: StoredUser, ops: PatchOperation[], schema: SchemaName): { user: StoredUser; extensions: Record<string, Record<string, unknown>>; touchedExtensions: string[] } {
  ctx.checkPoison(user.resource.userName);
  const combined = { ...user.resource, ...user.extensions };
  const patched = applyPatch(combined, ops);
  const { resource, extensions } = splitBody(patched);
  ctx.checkPoison(resource.userName);
  finish(ctx, schema, resource, user.companyId, user.companyId);
  const touchedExtensions = Object.keys(extensions).filter((k) => JSON.stringify(extensions[k]) !== JSON.stringify(user.extensions[k]));
  for (const k of Object.keys(user.extensions)) if (!(k in extensions)) touchedExtensions.push(k);
  return { user: ctx.store.update(user, resource, ctx.now()), extensions, touchedExtensions };
}
