import { hash } from 'node:crypto';

/**
 * SHA-256 (hex) of the canonical JSON of a value: object keys sorted, so two values that would be
 * sent the same way hash the same whatever order their keys were built in. Array order counts.
 * Pure computation (node:crypto only hashes), so it is allowed in src/domain.
 */
export function stableHash(value: unknown): string {
  // The one-shot crypto.hash (Node >= 20.12) is about 3x faster than a Hash object for inputs
  // this small; it runs for every user of every cycle.
  return hash('sha256', canonicalJson(value), 'hex');
}

/**
 * JSON with sorted keys and JSON's own rules otherwise: undefined, functions and symbols are
 * dropped from objects and become null in arrays, non-finite numbers become null, `toJSON` is
 * honoured (Dates). Cycles throw rather than recurse forever.
 */
export function canonicalJson(value: unknown): string {
  const out = { s: '' };
  write(value, out, new Set());
  return out.s;
}

// String concatenation (V8 ropes) measured faster than collecting parts and joining.
interface Out {
  s: string;
}

function write(value: unknown, out: Out, seen: Set<object>): boolean {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      out.s += JSON.stringify(value);
      return true;
    case 'number':
      out.s += Number.isFinite(value) ? JSON.stringify(value) : 'null';
      return true;
    case 'boolean':
      out.s += value ? 'true' : 'false';
      return true;
    case 'bigint':
      // JSON.stringify throws on bigint; as text it still hashes deterministically.
      out.s += JSON.stringify(value.toString());
      return true;
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
  }
  if (value === null) {
    out.s += 'null';
    return true;
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('stableHash: the value contains a cycle');
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.s += '[';
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.s += ',';
      if (!write(obj[i], out, seen)) out.s += 'null';
    }
    out.s += ']';
  } else {
    out.s += '{';
    let first = true;
    for (const key of Object.keys(obj).sort()) {
      const mark = out.s;
      out.s += `${first ? '' : ','}${JSON.stringify(key)}:`;
      if (write((obj as Record<string, unknown>)[key], out, seen)) first = false;
      else out.s = mark;
    }
    out.s += '}';
  }
  seen.delete(obj);
  return true;
}
