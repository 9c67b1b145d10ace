import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a suite used that must never leak: its payload-codec keys (so the scan after the suites can
 * decode the histories it wrote), its secrets and the attribute values of its population. Written
 * only under `npm test` (OUTBOUND_TEST_LOG_DIR), read by scripts/leak-scan.ts.
 */
export interface LeakManifestEntry {
  suite: string;
  codecKeys?: string[];
  secrets?: string[];
  values?: string[];
  /** Text the suite already scanned itself (state-store tables), with where it found a needle. */
  scanned?: { where: string; bytes: number; hits: Array<{ table: string; kind: 'secret' | 'value' }> };
}

export const LEAK_MANIFEST = 'leak-manifest.ndjson';

export function recordForLeakScan(entry: LeakManifestEntry): void {
  const dir = process.env.OUTBOUND_TEST_LOG_DIR;
  if (!dir) return;
  appendFileSync(join(dir, LEAK_MANIFEST), `${JSON.stringify(entry)}\n`);
}

/** Personal attributes whose values must never leave the source outside a Concur write. */
const PERSONAL = new Set(['mail', 'sn', 'givenName', 'cn', 'displayName', 'employeeNumber', 'telephoneNumber', 'mobile', 'title', 'employeeID', 'userPrincipalName', 'sAMAccountName']);

/** Personal values distinctive enough to search for: a short or generic one would match ids and words. */
export function distinctiveValues(attributes: Record<string, string[] | undefined>): string[] {
  const out: string[] = [];
  for (const [name, values] of Object.entries(attributes)) {
    if (!PERSONAL.has(name)) continue;
    for (const v of values ?? []) if (v.length >= 6 && /[0-9@' -]/.test(v) && !/^[0-9]+$/.test(v)) out.push(v);
  }
  return out;
}
