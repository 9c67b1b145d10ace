import { ConcurApiError } from './concur-error';
import { containerOf, findKey, isRecord, parseAttrPath, InvalidPathError, type AttrPath } from './attribute-path';
import { parseFilter, InvalidFilterError, type FilterNode } from './scim-filter';
import { selectElements } from './scim-filter-match';
import { KNOWN_SCHEMA_URNS } from './constants';

/** One SCIM PatchOp operation (RFC 7644 §3.5.2) as validated against the OpenAPI file. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** `attr`, `urn:…:attr.sub`, `emails[type eq "work"]` or `emails[type eq "work"].value`. */
export interface PatchPath {
  path: AttrPath;
  filter?: FilterNode;
  /** Sub-attribute after a value filter. */
  sub?: string;
}

const READ_ONLY = new Set(['id', 'meta']);

export function parsePatchPath(text: string): PatchPath {
  const open = text.indexOf('[');
  if (open < 0) return { path: parseAttrPath(text) };
  const close = text.lastIndexOf(']');
  if (close < open) throw new InvalidPathError(text, 'unbalanced [ ]');
  const path = parseAttrPath(text.slice(0, open));
  if (path.sub) throw new InvalidPathError(text, 'a value filter must follow a multi-valued attribute');
  let filter: FilterNode;
  try {
    filter = parseFilter(text.slice(open + 1, close));
  } catch (err) {
    if (err instanceof InvalidFilterError) throw new InvalidPathError(text, err.detail);
    throw err;
  }
  const tail = text.slice(close + 1);
  if (tail !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(tail)) throw new InvalidPathError(text, `unexpected "${tail}"`);
  return { path, filter, sub: tail ? tail.slice(1) : undefined };
}

function noTarget(path: string, why: string): ConcurApiError {
  return new ConcurApiError(400, `No target for "${path}": ${why}`, {
    scimType: 'noTarget',
    messages: [{ code: 'INVALID_VALUE', message: why, schemaPath: path, type: 'error' }],
  });
}

/** Empty values clear the attribute: how a client removes a value with add/replace. */
function isClear(v: unknown): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function setSimple(container: Record<string, unknown>, name: string, value: unknown, op: PatchOperation['op']) {
  const key = findKey(container, name) ?? name;
  if (op === 'remove' || isClear(value)) {
    delete container[key];
    return;
  }
  const existing = container[key];
  if (op === 'add' && Array.isArray(existing)) {
    const adds = Array.isArray(value) ? value : [value];
    for (const v of adds) if (!existing.some((e) => sameJson(e, v))) existing.push(v);
  } else if (isRecord(existing) && isRecord(value)) {
    // RFC 7644 §3.5.2.1/3: sub-attributes not given are left unchanged, for add and replace alike.
    for (const [k, v] of Object.entries(value)) setSimple(existing, k, v, op === 'add' ? 'replace' : op);
  } else {
    container[key] = value;
  }
}

function applyNoFilter(resource: Record<string, unknown>, p: AttrPath, value: unknown, op: PatchOperation['op'], raw: string) {
  if (p.attr === undefined) {
    // The whole extension object.
    const key = findKey(resource, p.urn as string) ?? (p.urn as string);
    if (op === 'remove' || isClear(value)) delete resource[key];
    else if (!isRecord(value)) throw noTarget(raw, 'an extension takes an object value');
    else if (op === 'replace') resource[key] = value;
    else setSimple(resource, key, value, 'add');
    return;
  }
  if (!p.urn && READ_ONLY.has(p.attr.toLowerCase())) {
    throw new ConcurApiError(400, `Attribute "${p.attr}" is read-only`, {
      scimType: 'mutability',
      messages: [{ code: 'INVALID_VALUE', message: `Attribute '${p.attr}' is read-only`, schemaPath: p.attr, type: 'error' }],
    });
  }
  const container = containerOf(resource, p, op !== 'remove');
  if (!container) return; // removing from an absent extension: nothing to do
  if (!p.sub) {
    setSimple(container, p.attr, value, op);
    return;
  }
  const key = findKey(container, p.attr) ?? p.attr;
  let target = container[key];
  if (Array.isArray(target)) {
    // `emails.value` without a filter addresses every element (RFC 7644 §3.5.2).
    for (const el of target) if (isRecord(el)) setSimple(el, p.sub, value, op);
    return;
  }
  if (!isRecord(target)) {
    if (op === 'remove' || isClear(value)) return;
    target = {};
    container[key] = target;
  }
  setSimple(target as Record<string, unknown>, p.sub, value, op);
  if (Object.keys(target as object).length === 0) delete container[key];
}

/** For `emails[type eq "work"].value` with no match: the element the filter describes, or undefined. */
function seedFromFilter(filter: FilterNode): Record<string, unknown> | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.attr && !filter.path.sub) return { [filter.path.attr]: filter.value };
  if (filter.kind === 'and') {
    const l = seedFromFilter(filter.left);
    const r = seedFromFilter(filter.right);
    return l && r ? { ...l, ...r } : undefined;
  }
  return undefined;
}

function applyWithFilter(resource: Record<string, unknown>, pp: PatchPath, value: unknown, op: PatchOperation['op'], raw: string) {
  const p = pp.path;
  const container = containerOf(resource, p, op !== 'remove');
  if (!container || p.attr === undefined) return;
  const key = findKey(container, p.attr) ?? p.attr;
  const current = container[key];
  if (current !== undefined && !Array.isArray(current)) throw noTarget(raw, `'${p.attr}' is not multi-valued`);
  const items = (current as unknown[] | undefined) ?? [];
  const hits = selectElements(items, pp.filter as FilterNode);
  if (op === 'remove') {
    if (pp.sub) for (const i of hits) delete (items[i] as Record<string, unknown>)[findKey(items[i] as Record<string, unknown>, pp.sub) ?? pp.sub];
    else container[key] = items.filter((_, i) => !hits.includes(i));
    if ((container[key] as unknown[]).length === 0) delete container[key];
    return;
  }
  if (hits.length === 0) {
    // Upsert: `replace emails[type eq "work"].value` on a user without a work email adds one,
    // as identity providers expect; only a plain eq filter says what the new element is.
    const seed = seedFromFilter(pp.filter as FilterNode);
    if (!seed) throw noTarget(raw, 'the value filter matched no element');
    if (isClear(value)) return;
    const el = pp.sub ? { ...seed, [pp.sub]: value } : isRecord(value) ? { ...seed, ...value } : undefined;
    if (!el) throw noTarget(raw, 'an element value must be an object');
    container[key] = [...items, el];
    return;
  }
  for (const i of hits) {
    const el = items[i] as Record<string, unknown>;
    if (pp.sub) setSimple(el, pp.sub, value, op);
    else if (isClear(value)) items[i] = undefined;
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) setSimple(el, k, v, 'replace');
    else throw noTarget(raw, 'an element value must be an object');
  }
  container[key] = items.filter((x) => x !== undefined);
}

/**
 * Applies the operations to a copy of the resource and returns it; the caller validates the result
 * as a whole, so a patch that breaks a rule is rejected without partial effects.
 */
export function applyPatch(resource: Record<string, unknown>, ops: PatchOperation[]): Record<string, unknown> {
  const out = structuredClone(resource);
  for (const o of ops) {
    const raw = o.path ?? '';
    if (!o.path) {
      if (o.op === 'remove') throw noTarget('', "'path' is required for remove");
      if (!isRecord(o.value)) throw noTarget('', "without 'path' the value must be an object of attributes");
      for (const [k, v] of Object.entries(o.value)) {
        const isUrn = KNOWN_SCHEMA_URNS.some((u) => u.toLowerCase() === k.toLowerCase());
        if (isUrn && isRecord(v)) {
          for (const [k2, v2] of Object.entries(v)) applyNoFilter(out, parseAttrPath(`${k}:${k2}`), v2, o.op, `${k}:${k2}`);
        } else {
          applyNoFilter(out, parseAttrPath(k), v, o.op, k);
        }
      }
      continue;
    }
    const pp = parsePatchPath(o.path);
    if (pp.filter) applyWithFilter(out, pp, o.value, o.op, raw);
    else applyNoFilter(out, pp.path, o.value, o.op, raw);
  }
  return out;
}
