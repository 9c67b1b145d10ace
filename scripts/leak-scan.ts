/**
 * The leak scan `npm test` runs after the suites: every workflow history in the test Temporal
 * server (raw, and decoded with the suites' payload keys, since failure messages and stack traces
 * are not encrypted), every log our processes wrote, and the state-store scans the suites left,
 * searched for every secret the suites used and every distinctive attribute value of their
 * populations (including the demo directory). Expected: zero occurrences.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec } from '../src/codec/encryption-codec';
import { demoEntries } from './demo-directory';
import { distinctiveValues, LEAK_MANIFEST, type LeakManifestEntry } from '../test/support/leak-manifest';
import { API_RESPONSES_PREFIX } from '../test/support/api-response-recorder';

export interface LeakScanResult {
  histories: number;
  payloads: number;
  undecodable: number;
  logFiles: number;
  /** API responses the suites received (recorded by test/support/api-response-recorder.ts). */
  apiResponses: number;
  storeScans: number;
  bytes: number;
  needles: number;
  hits: Array<{ where: string; kind: 'secret' | 'value' }>;
}

/** Logs of the datastores themselves (they see the values by design), not of Outbound. */
const DATASTORE_LOGS = /^(slapd|postgres|mariadb)/;

export async function scanForLeaks(options: { temporalAddress: string; logDir: string }): Promise<LeakScanResult> {
  const manifestPath = join(options.logDir, LEAK_MANIFEST);
  const manifest: LeakManifestEntry[] = existsSync(manifestPath)
    ? readFileSync(manifestPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LeakManifestEntry)
    : [];
  const secrets = new Set(manifest.flatMap((m) => m.secrets ?? []));
  const values = new Set(manifest.flatMap((m) => m.values ?? []));
  for (const entry of demoEntries()) for (const v of distinctiveValues(entry.attributes)) values.add(v);
  const codecs = [...new Set(manifest.flatMap((m) => m.codecKeys ?? []))].map((k) => new EncryptionCodec(Buffer.from(k, 'base64')));

  const result: LeakScanResult = { histories: 0, payloads: 0, undecodable: 0, logFiles: 0, apiResponses: 0, storeScans: 0, bytes: 0, needles: secrets.size + values.size, hits: [] };
  const scan = (where: string, text: string) => {
    result.bytes += Buffer.byteLength(text);
    if ([...secrets].some((s) => text.includes(s))) result.hits.push({ where, kind: 'secret' });
    const value = [...values].find((v) => text.includes(v));
    if (value) result.hits.push({ where, kind: 'value' });
    // Local debugging only: shows the test value found (never set in CI).
    if (value && process.env.OUTBOUND_LEAK_SCAN_SHOW) result.hits.push({ where: `${where}: ${JSON.stringify(value)} in …${text.slice(Math.max(0, text.indexOf(value) - 120), text.indexOf(value) + 60)}…`, kind: 'value' });
  };

  for (const m of manifest) {
    if (!m.scanned) continue;
    result.storeScans++;
    result.bytes += m.scanned.bytes;
    for (const { table, kind } of m.scanned.hits) result.hits.push({ where: `table ${table} of the state store of ${m.suite}`, kind });
  }

  for (const name of existsSync(options.logDir) ? readdirSync(options.logDir).sort() : []) {
    if (name === LEAK_MANIFEST || DATASTORE_LOGS.test(name)) continue;
    if (name.startsWith(API_RESPONSES_PREFIX)) {
      for (const line of readFileSync(join(options.logDir, name), 'utf8').split('\n').filter(Boolean)) {
        result.apiResponses++;
        const r = JSON.parse(line) as { method: string; url: string; status: number; body: string };
        scan(`API response to ${r.method} ${r.url.split('?')[0]} (${r.status})`, r.body);
      }
      continue;
    }
    result.logFiles++;
    scan(`log ${name}`, readFileSync(join(options.logDir, name), 'utf8'));
  }

  const connection = await Connection.connect({ address: options.temporalAddress });
  try {
    const client = new Client({ connection });
    for await (const wf of client.workflow.list()) {
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      result.histories++;
      const raw = JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      scan(`history of ${wf.workflowId} (raw)`, raw);
      scan(`history of ${wf.workflowId} (decoded)`, await decodePayloads(history, codecs, result));
    }
  } finally {
    await connection.close();
  }
  return result;
}

async function decodePayloads(node: unknown, codecs: EncryptionCodec[], result: LeakScanResult): Promise<string> {
  const out: string[] = [];
  const visit = async (n: unknown): Promise<void> => {
    if (!n || typeof n !== 'object' || n instanceof Uint8Array) return;
    if (Array.isArray(n)) {
      for (const item of n) await visit(item);
      return;
    }
    const obj = n as Record<string, unknown>;
    if (obj.metadata && obj.data instanceof Uint8Array) {
      result.payloads++;
      for (const codec of codecs) {
        try {
          const [decoded] = await codec.decode([obj as Payload]);
          out.push(Buffer.from(decoded.data ?? new Uint8Array()).toString('utf8'));
          return;
        } catch {
          // Another suite's key: try the next.
        }
      }
      result.undecodable++;
      return;
    }
    for (const v of Object.values(obj)) await visit(v);
  };
  await visit(node);
  return out.join('\n');
}

export function describeLeakScan(r: LeakScanResult): string {
  const mb = (r.bytes / 1024 / 1024).toFixed(1);
  return (
    `leak scan: ${r.needles} secrets and values searched in ${r.histories} histories (${r.payloads} payloads, ` +
    `${r.undecodable} not decodable with the suites' keys), ${r.logFiles} log files, ${r.apiResponses} API responses and ${r.storeScans} state stores: ` +
    `${mb} MiB scanned, ${r.hits.length} occurrences`
  );
}
