/**
 * LDAP read benchmark: loads N generated people (default 100k) into a private slapd with slapadd
 * (offline, the fastest way in), then reads them through the LDAP channel source exactly as a
 * provisioning cycle does (paged, mapped, exclusion applied), and reports entries/s and memory.
 *
 *   tsx bench/ldap-read-bench.ts [--entries 100000] [--page-size 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scripts/services/service';
import { startSlapd } from '../scripts/services/slapd';
import { createLdapChannelSource } from '../src/datastores/ldap-channel-source';
import { Exclusion, LdapSourceSettings, SourceLocation } from '../src/domain/config/source-settings';

export interface LdapReadBenchResult {
  entries: number;
  pages: number;
  disabled: number;
  excluded: number;
  /** Generating the LDIF and slapadd, plus slapd start-up. */
  loadMs: number;
  readMs: number;
  entriesPerSecond: number;
  /** Incremental read with the watermark of the full read (nothing changed since). */
  incrementalMs: number;
  rssBeforeReadMb: number;
  /** Highest RSS of this process while reading: flat memory means pages are not accumulated. */
  peakRssMb: number;
  heapUsedPeakMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function benchLdapRead(options: { entries: number; pageSize?: number; log?: (line: string) => void }): Promise<LdapReadBenchResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'outbound-ldap-bench-'));
  const t0 = Date.now();
  const svc = await startSlapd({ port: await freePort(), dataDir: join(dir, 'slapd'), logDir: join(dir, 'logs'), loadDemo: { people: options.entries }, log });
  const loadMs = Date.now() - t0;
  log(`loaded ${options.entries} people in ${loadMs} ms`);
  const source = createLdapChannelSource(
    {
      id: 'bench',
      type: 'ldap',
      urls: [svc.url],
      bindDn: svc.env.OUTBOUND_LDAP_BIND_DN,
      bindPassword: 'env:OUTBOUND_LDAP_BIND_PASSWORD',
      startTls: false,
      rejectUnauthorized: true,
      connectTimeoutMs: 5000,
      timeoutMs: 120_000,
      pageSize: options.pageSize ?? 500,
    },
    {
      source: LdapSourceSettings.parse({ kind: 'ldap', accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } }),
      location: SourceLocation.parse({ baseDn: `ou=people,${svc.env.OUTBOUND_LDAP_BASE_DN}` }),
      exclusion: Exclusion.parse({ dns: [`uid=concur-admin,ou=people,${svc.env.OUTBOUND_LDAP_BASE_DN}`] }),
    },
    { resolve: async (ref) => (ref === 'env:OUTBOUND_LDAP_BIND_PASSWORD' ? svc.env.OUTBOUND_LDAP_BIND_PASSWORD : ref) },
  );
  try {
    global.gc?.();
    const rssBeforeRead = process.memoryUsage().rss;
    let peakRss = rssBeforeRead;
    let peakHeap = process.memoryUsage().heapUsed;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    const timer = setInterval(sample, 20);
    let entries = 0;
    let pages = 0;
    let disabled = 0;
    let excluded = 0;
    let watermark: string | undefined;
    const t1 = process.hrtime.bigint();
    for await (const page of source.read({ mode: 'full' })) {
      pages++;
      entries += page.entries.length;
      for (const e of page.entries) {
        if (!e.enabled) disabled++;
        if (e.excluded) excluded++;
      }
      watermark = page.watermark;
      sample();
    }
    const readMs = Number(process.hrtime.bigint() - t1) / 1e6;
    clearInterval(timer);
    const t2 = process.hrtime.bigint();
    for await (const page of source.read({ mode: 'incremental', watermark })) void page;
    const incrementalMs = Number(process.hrtime.bigint() - t2) / 1e6;
    return {
      entries,
      pages,
      disabled,
      excluded,
      loadMs,
      readMs: Math.round(readMs),
      entriesPerSecond: Math.round(entries / (readMs / 1000)),
      incrementalMs: Math.round(incrementalMs),
      rssBeforeReadMb: mb(rssBeforeRead),
      peakRssMb: mb(peakRss),
      heapUsedPeakMb: mb(peakHeap),
    };
  } finally {
    await source.close();
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  benchLdapRead({ entries: arg('--entries') ?? 100_000, pageSize: arg('--page-size'), log: (l) => console.log(l) })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      console.log(`${r.entriesPerSecond} entries/s over ${r.entries} entries (${r.pages} pages); peak RSS ${r.peakRssMb} MB (before read ${r.rssBeforeReadMb} MB)`);
    })
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
