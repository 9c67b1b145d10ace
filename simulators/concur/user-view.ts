import { IDENTITY_BASE, SCOPES, URN_ENTERPRISE, URN_SAP, URN_SETTINGS } from './constants';
import { findKey, isRecord, parseAttrPath, type AttrPath } from './attribute-path';
import type { StoredUser } from './user-store';

export type UserResource = Record<string, unknown> & { id: string };

/** The Identity v4.1 representation: `schemas`, `id`, attributes, then `meta` (digest §3.3, A4). */
export function renderUser(u: StoredUser, baseUrl: string): UserResource {
  const { schemas, ...rest } = u.resource;
  return {
    schemas,
    id: u.id,
    ...rest,
    meta: {
      resourceType: 'User',
      created: u.created,
      lastModified: u.lastModified,
      location: `${baseUrl}${IDENTITY_BASE}/Users/${u.id}`,
      version: u.version,
    },
  };
}

/** Which read scope reveals each top-level attribute (digest §3.1). */
const READ_SCOPE: Record<string, string> = {
  id: SCOPES.idsRead,
  externalid: SCOPES.idsRead,
  username: SCOPES.idsRead,
  schemas: SCOPES.idsRead,
  meta: SCOPES.idsRead,
  name: SCOPES.coreRead,
  displayname: SCOPES.coreRead,
  nickname: SCOPES.coreRead,
  active: SCOPES.coreRead,
  title: SCOPES.coreRead,
  preferredlanguage: SCOPES.coreRead,
  timezone: SCOPES.coreRead,
  localeoverrides: SCOPES.coreRead,
  [URN_SETTINGS.toLowerCase()]: SCOPES.coreRead,
  emails: SCOPES.coreSensitiveRead,
  phonenumbers: SCOPES.coreSensitiveRead,
  addresses: SCOPES.coreSensitiveRead,
  dateofbirth: SCOPES.coreSensitiveRead,
  emergencycontacts: SCOPES.coreSensitiveRead,
  entitlements: SCOPES.enterpriseRead,
  [URN_ENTERPRISE.toLowerCase()]: SCOPES.enterpriseRead,
  [URN_SAP.toLowerCase()]: SCOPES.sapRead,
};

/** Drops what the token's read scopes do not cover, the way a scoped read would. */
export function limitToScopes(r: UserResource, scopes: ReadonlySet<string>): UserResource {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    const need = READ_SCOPE[k.toLowerCase()] ?? SCOPES.coreRead;
    if (k === 'id' || scopes.has(need)) out[k] = v;
  }
  return out as UserResource;
}

export interface Projection {
  attributes?: AttrPath[];
  excluded?: AttrPath[];
}

export function parseAttributeList(list: string[] | string | undefined): AttrPath[] | undefined {
  if (list === undefined) return undefined;
  const items = (Array.isArray(list) ? list : list.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items.map(parseAttrPath) : undefined;
}

function pick(src: Record<string, unknown>, dst: Record<string, unknown>, p: AttrPath) {
  let from: Record<string, unknown> = src;
  let to: Record<string, unknown> = dst;
  if (p.urn) {
    const k = findKey(src, p.urn);
    if (!k || !isRecord(src[k])) return;
    from = src[k] as Record<string, unknown>;
    if (p.attr === undefined) {
      dst[k] = from;
      return;
    }
    to = isRecord(dst[k]) ? (dst[k] as Record<string, unknown>) : (dst[k] = {});
  }
  const ak = p.attr === undefined ? undefined : findKey(from, p.attr);
  if (ak === undefined) return;
  const v = from[ak];
  if (!p.sub) {
    to[ak] = v;
    return;
  }
  if (Array.isArray(v)) {
    const sub = p.sub;
    const prev = Array.isArray(to[ak]) ? (to[ak] as Record<string, unknown>[]) : v.map((): Record<string, unknown> => ({}));
    v.forEach((el, i) => {
      if (isRecord(el)) {
        const sk = findKey(el, sub);
        if (sk !== undefined) prev[i][sk] = el[sk];
      }
    });
    to[ak] = prev;
  } else if (isRecord(v)) {
    const sk = findKey(v, p.sub);
    if (sk === undefined) return;
    const t = isRecord(to[ak]) ? (to[ak] as Record<string, unknown>) : (to[ak] = {});
    (t as Record<string, unknown>)[sk] = v[sk];
  }
}

function drop(obj: Record<string, unknown>, p: AttrPath) {
  let target: Record<string, unknown> = obj;
  if (p.urn) {
    const k = findKey(obj, p.urn);
    if (!k) return;
    if (p.attr === undefined) {
      delete obj[k];
      return;
    }
    if (!isRecord(obj[k])) return;
    target = obj[k] = { ...(obj[k] as Record<string, unknown>) };
  }
  const ak = p.attr === undefined ? undefined : findKey(target, p.attr);
  if (ak === undefined) return;
  if (!p.sub) {
    if (ak !== 'id') delete target[ak];
    return;
  }
  const v = target[ak];
  const sub = p.sub;
  if (Array.isArray(v)) target[ak] = v.map((el) => (isRecord(el) ? Object.fromEntries(Object.entries(el).filter(([k]) => k.toLowerCase() !== sub.toLowerCase())) : el));
  else if (isRecord(v)) target[ak] = Object.fromEntries(Object.entries(v).filter(([k]) => k.toLowerCase() !== sub.toLowerCase()));
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.9); `id` is always returned (digest §3.5). */
export function project(r: UserResource, proj: Projection): UserResource {
  if (proj.attributes) {
    const out: Record<string, unknown> = { id: r.id };
    for (const p of proj.attributes) pick(r, out, p);
    return out as UserResource;
  }
  if (proj.excluded) {
    const out: Record<string, unknown> = { ...r };
    for (const p of proj.excluded) drop(out, p);
    return out as UserResource;
  }
  return r;
}
