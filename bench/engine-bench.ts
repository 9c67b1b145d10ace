/**
 * `npm run bench [-- --users 100000]`: slapd -> engine -> Concur simulator, end to end on real
 * Temporal. Prints the initial sync rate, an incremental cycle with 100 changes, an idle cycle,
 * and the worker's peak memory. The simulator runs as its own process, like Concur would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { ChannelControl } from '../src/api/channel-control';
import { EncryptionCodec } from '../src/codec/encryption-codec';
import { applyConfig } from '../src/config/apply-config';
import { parseOutboundConfig } from '../src/domain/config/outbound-config';
import { openStateStore } from '../src/store/open-state-store';
import { createRuntimeDeps } from '../src/app/runtime';
import { createOutboundWorker } from '../src/worker/worker';
import type { CycleSummary } from '../src/workflows/messages';
import { freePort, projectRoot, spawnLogged, stopProcess, waitUntil } from '../scripts/services/service';
import { startSlapd } from '../scripts/services/slapd';
import { startTemporal } from '../scripts/services/temporal';
import { ensureTemporalCli } from '../scripts/services/temporal';

const { values } = parseArgs({ options: { users: { type: 'string', default: '10000' }, threads: { type: 'string', default: '32' }, latency: { type: 'string', default: '0' } } });
const users = Number(values.users);
const dir = mkdtempSync(join(tmpdir(), 'outbound-bench-'));
const logDir = join(dir, 'logs');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

async function main() {
  ensureTemporalCli();
  console.log(`[bench] ${users} users, ${values.threads} threads, simulator latency ${values.latency} ms; loading slapd...`);
  const t0 = Date.now();
  const [temporal, ldap] = await Promise.all([
    startTemporal({ port: await freePort(), headless: true, inMemory: true, logDir }),
    startSlapd({ port: await freePort(), dataDir: join(dir, 'slapd'), logDir, loadDemo: { people: users }, log: () => undefined }),
  ]);
  console.log(`[bench] servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const simPort = await freePort();
  const sim = spawnLogged('concur-simulator', join(projectRoot, 'node_modules', '.bin', 'tsx'), ['simulators/concur/main.ts'], {
    logDir,
    cwd: projectRoot,
    env: { ...process.env, CONCUR_SIM_PORT: String(simPort), CONCUR_SIM_LATENCY_MS: values.latency },
  });
  await waitUntil('simulator', async () => (await fetch(`http://127.0.0.1:${simPort}/_sim/health`)).ok, 30_000);

  const store = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'state.db') }, { key: randomBytes(32) });
  const codec = new EncryptionCodec(randomBytes(32));
  const taskQueue = 'bench';
  const { Connection } = await import('@temporalio/client');
  const { NativeConnection } = await import('@temporalio/worker');
  const client = new Client({ connection: await Connection.connect({ address: temporal.url }), dataConverter: { payloadCodecs: [codec] } });
  const { worker } = await createOutboundWorker({
    connection: await NativeConnection.connect({ address: temporal.url }),
    taskQueue,
    deps: createRuntimeDeps(store),
    dataConverter: { payloadCodecs: [codec] },
  });
  const running = worker.run();
  const control = new ChannelControl(client, taskQueue);
  process.env.BENCH_LDAP_PASSWORD = ldap.env.OUTBOUND_LDAP_BIND_PASSWORD;
  const base = ldap.env.OUTBOUND_LDAP_BASE_DN;
  const config = parseOutboundConfig(
    {
      datastores: [{ id: 'ldap', type: 'ldap', urls: [ldap.url], bindDn: ldap.env.OUTBOUND_LDAP_BIND_DN, bindPassword: 'env:BENCH_LDAP_PASSWORD', pageSize: 1000 }],
      connections: [{ id: 'sim', baseUrl: `http://127.0.0.1:${simPort}`, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'outbound-demo-token' }, maxConnections: 64, maxRequestsPerSecond: 100000 }],
      channels: [
        {
          id: 'bench',
          connectionId: 'sim',
          datastoreId: 'ldap',
          intervalSeconds: 3600,
          maxThreads: Number(values.threads),
          provisionDisabledUsers: true,
          source: { kind: 'ldap', accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } },
          location: { baseDn: `ou=people,${base}`, filter: '(objectClass=inetOrgPerson)' },
          exclusion: { dns: [`uid=concur-admin,ou=people,${base}`] },
          mapping: {
            userName: { source: 'mail', case: 'lower' },
            'name.givenName': { expression: '$substring(givenName, 0, 32)' },
            'name.familyName': { expression: '$substring(sn, 0, 32)' },
            'emails.work': { source: 'mail', case: 'lower' },
            employeeNumber: { source: 'employeeNumber' },
            title: { source: 'title' },
          },
          guard: { maxRemovals: 1000000, maxRemovalPercent: 100 },
        },
      ],
    },
    'bench',
  );
  await applyConfig(store, config);

  const tSync = Date.now();
  const activation = await control.activate('bench');
  if (!activation.ok) throw new Error(`activation failed: ${JSON.stringify(activation.checks)}`);
  let first: CycleSummary | undefined;
  await waitUntil('the initial sync', async () => Boolean((first = (await control.status('bench')).lastCycle)), 60 * 60_000, 500);
  const syncSeconds = (Date.now() - tSync) / 1000;
  const c = first!;
  console.log(`[bench] initial sync: ${c.counts.create} creates (${c.counts.succeeded} ok, ${c.counts.failed + c.counts.invalid} failed) in ${syncSeconds.toFixed(1)} s = ${(c.counts.succeeded / syncSeconds).toFixed(0)} users/s end to end (cycle ${(c.durationMs / 1000).toFixed(1)} s)`);

  // 100 changes among the population, then an incremental cycle.
  const ldapClient = new LdapClient({ url: ldap.url });
  await ldapClient.bind(ldap.env.OUTBOUND_LDAP_BIND_DN, ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  const { searchEntries } = await ldapClient.search(`ou=people,${base}`, { filter: '(employeeType=employee)', attributes: ['dn'], sizeLimit: 100 });
  for (const e of searchEntries.slice(0, 100)) await ldapClient.modify(e.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Benchmark Changed'] }) })]);
  await ldapClient.unbind();
  const cycle = async (request: { mode?: 'full' | 'incremental' }) => {
    const t = Date.now();
    const started = await control.syncNow('bench', request);
    const summary = (await client.workflow.getHandle(started.workflowId).result()) as CycleSummary;
    return { summary, seconds: (Date.now() - t) / 1000 };
  };
  const inc = await cycle({});
  console.log(`[bench] incremental cycle with ${searchEntries.length} changes: ${inc.summary.counts.update} updates in ${inc.seconds.toFixed(2)} s (read ${inc.summary.counts.read})`);
  const idle = await cycle({});
  console.log(`[bench] idle incremental cycle: ${idle.seconds.toFixed(2)} s (read ${idle.summary.counts.read})`);
  const full = await cycle({ mode: 'full' });
  console.log(`[bench] idle full reconcile of ${full.summary.counts.read} entries: ${full.seconds.toFixed(1)} s (${(full.summary.counts.read / full.seconds).toFixed(0)} entries/s)`);
  console.log(`[bench] worker process peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);

  worker.shutdown();
  await running;
  await store.close();
  await stopProcess(sim);
  await Promise.all([temporal.stop(), ldap.stop()]);
}

main()
  .catch((err: Error) => {
    console.error(`[bench] ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  });
