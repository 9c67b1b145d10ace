/**
 * Minimal LDIF writer (RFC 2849) for the demo directory and the service's generated config:
 * values that are not "safe strings" (non-ASCII, leading space/colon/<, trailing space, line
 * breaks) are base64-encoded, so names like José or O'Brien round-trip exactly through slapadd.
 */

/** One directory entry: DN plus attribute name -> values, in the order they should be written. */
export interface DirEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** RFC 2849 SAFE-STRING: ASCII without NUL, LF, CR; not starting with space, colon or '<'. */
function isSafeString(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 10 || c === 13 || c > 127) return false;
    if (i === 0 && (c === 32 || c === 58 || c === 60)) return false;
  }
  return true;
}

/** One `name: value` line, base64 (`name:: ...`) when the value is not a safe string. */
export function ldifLine(name: string, value: string): string {
  // A trailing space is legal but silently lost by many tools, so it is encoded too.
  if (isSafeString(value) && !value.endsWith(' ')) return `${name}: ${value}`;
  return `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** An entry as an LDIF record, followed by the blank line that ends it. */
export function ldifRecord(entry: DirEntry): string {
  const lines = [ldifLine('dn', entry.dn)];
  for (const [name, values] of Object.entries(entry.attributes)) {
    for (const value of values) lines.push(ldifLine(name, value));
  }
  return `${lines.join('\n')}\n\n`;
}

/** RFC 4514 escaping of one RDN value (for DNs built from names such as "O'Brien, Seán"). */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}
