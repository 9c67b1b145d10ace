import { URN_ENTERPRISE, URN_SAP } from './constants';
import { findKey, formatAttrPath, isRecord, valuesAt, type AttrPath } from './attribute-path';
import { filterPaths, InvalidFilterError, parseFilter, type FilterNode, type FilterValue } from './scim-filter';

/** Attributes Concur's v4.1 search can filter on (digest §3.5), lower-cased `urn:attr.sub` form. */
const FILTERABLE = new Set(
  [
    'active',
    'addresses.country',
    'addresses.locality',
    'addresses.region',
    'addresses.type',
    'emails.value',
    'emails.type',
    'emails.verified',
    'entitlements',
    'externalId',
    'id',
    'meta.created',
    'meta.lastModified',
    'name.familyName',
    'name.givenName',
    'nickName',
    'userName',
    ...['costCenter', 'department', 'division', 'employeeNumber', 'startDate', 'terminationDate', 'manager.employeeNumber', 'manager.value'].map(
      (a) => `${URN_ENTERPRISE}:${a}`,
    ),
    `${URN_SAP}:userUuid`,
  ].map((s) => s.toLowerCase()),
);

/** A parsed filter checked against Concur's filterable attributes; throws InvalidFilterError. */
export function compileFilter(src: string): FilterNode {
  const node = parseFilter(src);
  for (const p of filterPaths(node)) {
    const name = formatAttrPath(p);
    if (!FILTERABLE.has(name.toLowerCase())) throw new InvalidFilterError(src, `attribute "${name}" is not filterable`);
  }
  return node;
}

function compare(actual: unknown, op: string, expected: FilterValue): boolean {
  if (expected === null) return op === 'eq' ? actual === null || actual === undefined : actual !== null && actual !== undefined;
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Concur matches strings case-insensitively (digest §3.5); ISO timestamps order correctly as text.
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
    }
    return false;
  }
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    if (op === 'eq') return actual === expected;
    if (op === 'ne') return actual !== expected;
    return false;
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case 'eq': return actual === expected;
      case 'ne': return actual !== expected;
      case 'gt': return actual > expected;
      case 'ge': return actual >= expected;
      case 'lt': return actual < expected;
      case 'le': return actual <= expected;
    }
    return false;
  }
  if (op === 'ne') return String(actual) !== String(expected);
  return op === 'eq' && String(actual) === String(expected);
}

/** Does the resource (or, inside [ ], the multi-valued element) satisfy the filter? */
export function matchesFilter(resource: Record<string, unknown>, node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(resource, node.left) && matchesFilter(resource, node.right);
    case 'or':
      return matchesFilter(resource, node.left) || matchesFilter(resource, node.right);
    case 'not':
      return !matchesFilter(resource, node.expr);
    case 'present':
      return valuesAt(resource, node.path).some((v) => v !== '' && !(Array.isArray(v) && v.length === 0));
    case 'compare': {
      const values = valuesAt(resource, node.path);
      // `ne` on a multi-valued attribute holds when no value equals (absent counts as not equal).
      if (node.op === 'ne') return values.every((v) => compare(v, 'ne', node.value));
      return values.some((v) => compare(v, node.op, node.value));
    }
    case 'valuePath': {
      const items = valuesAt(resource, node.path);
      return items.some((item) => isRecord(item) && matchesFilter(item, node.filter));
    }
  }
}

/** The elements of a multi-valued attribute a value filter selects (PATCH `emails[type eq "work"]`). */
export function selectElements(items: unknown[], filter: FilterNode): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (isRecord(item) && matchesFilter(item, filter)) out.push(i);
  });
  return out;
}

export { findKey, type AttrPath };
