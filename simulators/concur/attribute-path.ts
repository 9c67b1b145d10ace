import { KNOWN_SCHEMA_URNS, URN_CORE } from './constants';
import { ConcurApiError } from './concur-error';

/**
 * A SCIM attribute path: optional extension URN, attribute, optional sub-attribute
 * (RFC 7644 §3.10). `attr` is undefined when the path names a whole extension.
 */
export interface AttrPath {
  urn?: string;
  attr?: string;
  sub?: string;
}

export class InvalidPathError extends ConcurApiError {
  constructor(path: string, why: string) {
    super(400, `Invalid attribute path "${path}": ${why}`, {
      scimType: 'invalidPath',
      messages: [{ code: 'INVALID_VALUE', message: `Invalid attribute path: ${why}`, schemaPath: path, type: 'error' }],
    });
    this.name = 'InvalidPathError';
  }
}

const NAME = /^[A-Za-z$][\w$-]*$/;

export function parseAttrPath(text: string): AttrPath {
  let rest = text;
  let urn: string | undefined;
  if (text.toLowerCase().startsWith('urn:')) {
    const lower = text.toLowerCase();
    const known = KNOWN_SCHEMA_URNS.find((u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`));
    if (!known) throw new InvalidPathError(text, 'unknown schema URN');
    if (lower.length === known.length) return { urn: known };
    rest = text.slice(known.length + 1);
    if (known !== URN_CORE) urn = known;
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw new InvalidPathError(text, 'malformed attribute name');
  return { urn, attr: parts[0], sub: parts[1] };
}

export function formatAttrPath(p: AttrPath): string {
  const local = p.attr === undefined ? '' : p.sub ? `${p.attr}.${p.sub}` : p.attr;
  if (!p.urn) return local;
  return local ? `${p.urn}:${local}` : p.urn;
}

/** SCIM attribute names are case-insensitive: the object's own spelling of `name`, if any. */
export function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object holding the path's attribute: the resource itself, or its extension object. */
export function containerOf(resource: Record<string, unknown>, p: AttrPath, create: boolean): Record<string, unknown> | undefined {
  if (!p.urn) return resource;
  const key = findKey(resource, p.urn) ?? p.urn;
  const existing = resource[key];
  if (isRecord(existing)) return existing;
  if (!create) return undefined;
  const fresh: Record<string, unknown> = {};
  resource[key] = fresh;
  return fresh;
}

/** Every value at the path (multi-valued attributes flattened), for filtering. */
export function valuesAt(resource: Record<string, unknown>, p: AttrPath): unknown[] {
  const c = containerOf(resource, p, false);
  if (!c || p.attr === undefined) return c ? [c] : [];
  const k = findKey(c, p.attr);
  if (k === undefined) return [];
  const v = c[k];
  const items = Array.isArray(v) ? v : [v];
  if (!p.sub) return items.filter((x) => x !== undefined && x !== null);
  const out: unknown[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const sk = findKey(item, p.sub);
    if (sk === undefined) continue;
    const sv = item[sk];
    if (Array.isArray(sv)) out.push(...sv);
    else if (sv !== undefined && sv !== null) out.push(sv);
  }
  return out;
}
