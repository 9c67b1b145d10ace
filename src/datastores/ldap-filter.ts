/**
 * LDAP filter text: RFC 4515 escaping for values placed into filters, attribute-name checks for
 * names taken from configuration, and strict validation of configured filters, so neither data
 * nor configuration can change a filter's structure.
 */
import { FilterParser } from 'ldapts';
import { LdapDatastoreError } from './ldap-datastore-error';

/**
 * Escapes a value for use inside a filter assertion (RFC 4515 section 3): `*`, `(`, `)`, `\` and
 * NUL always; a Buffer is escaped byte by byte (binary values such as objectGUID).
 */
export function escapeFilterValue(value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return [...value].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Attribute descriptions: a name (letters, digits, hyphens) or OID, with optional ;options. */
const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;

/** Returns the attribute name unchanged, or fails naming the setting it came from. */
export function checkAttributeName(name: string, setting: string): string {
  if (!ATTRIBUTE.test(name)) throw new LdapDatastoreError(setting, `"${name}" is not a valid LDAP attribute name`);
  return name;
}

/**
 * `(attr=value)` with the value escaped. Text only: ldapts turns `\xx` escapes in filter text into
 * characters (bytes above 0x7f come out re-encoded as UTF-8), so binary values need an EqualityFilter.
 */
export function equalityFilter(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** `(attr>=value)` with the value escaped. */
export function greaterOrEqualFilter(attribute: string, value: string): string {
  return `(${attribute}>=${escapeFilterValue(value)})`;
}

/** AND of the given filters (undefined ones skipped); a single filter is returned as is. */
export function andFilters(...filters: Array<string | undefined>): string {
  const parts = filters.filter((f): f is string => Boolean(f));
  if (parts.length === 0) return '(objectClass=*)';
  return parts.length === 1 ? parts[0] : `(&${parts.join('')})`;
}

/** OR of the given filters; a single filter is returned as is. */
export function orFilters(filters: string[]): string {
  if (filters.length === 0) throw new Error('orFilters needs at least one filter');
  return filters.length === 1 ? filters[0] : `(|${filters.join('')})`;
}

/**
 * Parentheses must balance and close exactly at the end: ldapts's parser tolerates a missing
 * final `)`, which would let a typo such as `(&(a=1)(b=2)` through.
 */
function checkBalanced(text: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i += 2; // \xx: escaped characters never count as parentheses
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      // The text always starts with "(", so depth reaches 0 before it could go negative.
      if (depth === 0 && i !== text.length - 1) return `text after the closing ")" at position ${i + 1}`;
    }
  }
  return depth === 0 ? undefined : `${depth} unclosed "("`;
}

/**
 * Validates a filter from configuration and returns it in canonical form (a bare `uid=x` is
 * wrapped in parentheses, as directory tools accept). Fails naming the setting.
 */
export function parseFilterSetting(text: string, setting: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new LdapDatastoreError(setting, 'the LDAP filter is empty');
  const wrapped = trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
  const unbalanced = checkBalanced(wrapped);
  if (unbalanced) throw new LdapDatastoreError(setting, `invalid LDAP filter: ${unbalanced}`);
  try {
    FilterParser.parseString(wrapped);
  } catch (err) {
    throw new LdapDatastoreError(setting, `invalid LDAP filter: ${(err as Error).message}`, false, { cause: err });
  }
  return wrapped;
}
