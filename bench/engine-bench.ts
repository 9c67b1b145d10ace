/**
 * `npm run bench [-- --users 100000]`: every figure of docs/benchmarks.md in one run, on one
 * machine, at one concurrency. slapd -> engine -> Concur simulator on real Temporal, the worker and
 * the simulator each in their own process (as in production), the driver and the API in this one.
 *
 *   raw limits (before) -> initial sync -> incremental (100 changes, 0 changes) -> idle full
 *   reconcile -> on-demand through the API -> latency-bound (100 ms/call at 16/64/256 in flight)
 *   -> throttled (50 req/s) -> raw limits (after)
 *
 * Prints each figure, then writes docs/benchmarks.md and docs/benchmarks-chart.svg (`--docs ''`
 * to skip). `--cpu-prof` writes the worker's CPU profile to bench-profiles/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, release } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { ApiKeyStore } from '../src/api/auth/api-key-store';
import { ChannelControl } from '../src/api/channel-control';
import { buildApi } from '../src/api/server';
import { EncryptionCodec } from '../src/codec/encryption-codec';
import { applyConfig } from '../src/config/apply-config';
import { parseOutboundConfig } from '../src/domain/config/outbound-config';
import type { LdapDatastoreConfig } from '../src/domain/config/datastore-config';
import { openStateStore } from '../src/store/open-state-store';
import { mappedSourceAttributes } from '../src/app/runtime';
import type { CycleSummary } from '../src/workflows/messages';
import { freePort, projectRoot, waitUntil } from '../scripts/services/service';
import { startSlapd } from '../scripts/services/slapd';
import { ensureTemporalCli, startTemporal } from '../scripts/services/temporal';
import { buildWorkflowBundle, startSimulatorProcess, startWorkerProcess } from './bench-processes';
import { renderBenchReport, type BenchResults, type CyclePhase } from './bench-report';
import { ldapReadRate, resetSimulator, simulatorRawRate } from './raw-limits';
import { renderChart } from './svg-chart';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    threads: { type: 'string', default: '32' },
    'raw-users': { type: 'string' },
    'latency-users': { type: 'string', default: '10000' },
    'latency-levels': { type: 'string', default: '16,64,256' },
    'throttle-users': { type: 'string', default: '1000' },
    'on-demand': { type: 'string', default: '20' },
    docs: { type: 'string', default: 'docs/benchmarks.md' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const users = Number(values.users);
const threads = Number(values.threads);
/** Writes in flight: the connection's maxConnections caps what the cycle's batches ask (3 × maxThreads). */
const concurrency = 2 * threads;
const rawUsers = Number(values['raw-users'] ?? Math.min(users, 5000));
const latencyUsers = Math.min(users, Number(values['latency-users']));
const latencyLevels = values['latency-levels'].split(',').map(Number);
const throttleUsers = Math.min(users, Number(values['throttle-users']));
const LATENCY_MS = 100;
const THROTTLE_RPS = 50;
const dir = mkdtempSync(join(tmpdir(), 'outbound-bench-'));
const logDir = join(dir, 'logs');
mkdirSync(logDir, { recursive: true });
const say = (line: string) => console.log(`[bench] ${line}`);

/** The first `n` generated people (employeeNumber E100000+i), as an LDAP filter on 100-entry prefixes. */
function firstPeopleFilter(n: number): string {
  if (n >= users) return '(objectClass=inetOrgPerson)';
  const terms = Array.from({ length: Math.max(1, Math.floor(n / 100)) }, (_, k) => `(employeeNumber=E${String(100000 + k * 100).slice(0, 4)}*)`);
  return terms.length === 1 ? terms[0] : `(|${terms.join('')})`;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  ensureTemporalCli();
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release(), loadStart: loadavg(), loadEnd: [0, 0, 0], date: new Date().toISOString() };
  say(`${users} users, ${threads} threads per batch, ${concurrency} writes in flight (maxConnections); ${machine.cores} x ${machine.cpu}, load average ${machine.loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  const t0 = Date.now();
  const [temporal, ldap] = await Promise.all([
    startTemporal({ port: await freePort(), headless: true, inMemory: true, logDir }),
    startSlapd({ port: await freePort(), dataDir: join(dir, 'slapd'), logDir, loadDemo: { people: users }, log: () => undefined }),
  ]);
  const sim = await startSimulatorProcess({ port: await freePort(), logFile: join(logDir, 'simulator.log') });
  say(`servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const secretKey = randomBytes(32);
  const codecKey = randomBytes(32);
  const dbFile = join(dir, 'state.db');
  const store = await openStateStore({ client: 'better-sqlite3', filename: dbFile }, { key: secretKey });
  const codec = new EncryptionCodec(codecKey);
  const taskQueue = 'bench';
  const client = new Client({ connection: await Connection.connect({ address: temporal.url }), dataConverter: { payloadCodecs: [codec] } });
  const control = new ChannelControl(client, taskQueue);
  process.env.OUTBOUND_SECRET_BENCH_LDAP_PASSWORD = ldap.env.OUTBOUND_LDAP_BIND_PASSWORD;
  const base = ldap.env.OUTBOUND_LDAP_BASE_DN;
  const mapping = {
    userName: { source: 'mail', case: 'lower' },
    'name.givenName': { expression: '$substring(givenName, 0, 32)' },
    'name.familyName': { expression: '$substring(sn, 0, 32)' },
    'emails.work': { source: 'mail', case: 'lower' },
    employeeNumber: { source: 'employeeNumber' },
    title: { source: 'title' },
  };
  const channel = (id: string, connectionId: string, maxThreads: number, filter: string) => ({
    id,
    connectionId,
    datastoreId: 'ldap',
    intervalSeconds: 86400,
    maxThreads,
    provisionDisabledUsers: true,
    source: { kind: 'ldap', accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } },
    location: { baseDn: `ou=people,${base}`, filter },
    exclusion: { dns: [`uid=concur-admin,ou=people,${base}`] },
    mapping,
    guard: { maxRemovals: 1000000, maxRemovalPercent: 100 },
  });
  const connection = (id: string, maxConnections: number) => ({ id, baseUrl: sim.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'outbound-demo-token' }, maxConnections, maxRequestsPerSecond: 1_000_000 });
  const config = parseOutboundConfig(
    {
      datastores: [{ id: 'ldap', type: 'ldap', urls: [ldap.url], bindDn: ldap.env.OUTBOUND_LDAP_BIND_DN, bindPassword: 'env:OUTBOUND_SECRET_BENCH_LDAP_PASSWORD', pageSize: 1000 }],
      connections: [connection('sim', concurrency), ...latencyLevels.map((f) => connection(`sim-${f}`, f))],
      channels: [
        channel('bench', 'sim', threads, '(objectClass=inetOrgPerson)'),
        ...latencyLevels.map((f) => channel(`latency-${f}`, `sim-${f}`, Math.max(1, f / 2), firstPeopleFilter(latencyUsers))),
        channel('throttled', 'sim', threads, firstPeopleFilter(throttleUsers)),
      ],
    },
    'bench',
  );
  await applyConfig(store, config);
  const benchChannel = config.channels[0];
  const ldapDatastore = config.datastores[0] as LdapDatastoreConfig;
  const ldapChannel = (mapped: boolean) => ({
    source: benchChannel.source as Extract<typeof benchChannel.source, { kind: 'ldap' }>,
    location: benchChannel.location,
    exclusion: benchChannel.exclusion,
    mappedAttributes: mapped ? mappedSourceAttributes(benchChannel) : undefined,
  });

  // Raw limits before the engine phases.
  const chartLevels = [...new Set([...latencyLevels, concurrency])].sort((a, b) => a - b);
  const rawBefore = [];
  for (const c of chartLevels) {
    const r = await simulatorRawRate(sim.url, rawUsers, c);
    rawBefore.push(r);
    say(`raw simulator at ${c} in flight: ${r.createsPerSec} creates/s, ${r.patchesPerSec} PATCH/s (${rawUsers} users, keep-alive)`);
  }
  const ldapBefore = await ldapReadRate(ldapDatastore, ldapChannel(true), ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  say(`raw LDAP read, ${ldapBefore.attributes}: ${ldapBefore.entries} entries in ${ldapBefore.seconds.toFixed(2)} s = ${ldapBefore.entriesPerSec} entries/s`);
  const ldapAll = await ldapReadRate(ldapDatastore, ldapChannel(false), ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  say(`(for comparison, every attribute: ${ldapAll.entriesPerSec} entries/s)`);

  const profileDir = resolve(projectRoot, 'bench-profiles');
  if (values['cpu-prof']) mkdirSync(profileDir, { recursive: true });
  const worker = await startWorkerProcess({
    temporal: temporal.url,
    taskQueue,
    db: dbFile,
    secretKeyHex: secretKey.toString('hex'),
    codecKeyHex: codecKey.toString('hex'),
    logFile: join(logDir, 'worker.log'),
    nodeArgs: ['--expose-gc', ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
    workflowBundle: await buildWorkflowBundle(join(dir, 'workflow-bundle.js')),
  });
  const idleStats = await worker.stats();
  say(`worker process ${worker.pid} ready, RSS ${(idleStats.rss / 2 ** 20).toFixed(0)} MB`);

  /** The channel's first cycle, and how long its apply phase took (polled, ±50 ms). */
  const waitFirstCycle = async (channelId: string, onApply?: () => void): Promise<CycleSummary & { applySeconds: number }> => {
    let summary: CycleSummary | undefined;
    let applyStart: number | undefined;
    await waitUntil(
      `the first cycle of ${channelId}`,
      async () => {
        const status = await control.status(channelId);
        if (applyStart === undefined && status.progress && status.progress.phase !== 'planning') {
          applyStart = performance.now();
          onApply?.();
        }
        return Boolean((summary = status.lastCycle));
      },
      60 * 60_000,
      50,
    );
    const end = performance.now();
    return { ...summary!, applySeconds: (end - (applyStart ?? end - summary!.durationMs)) / 1000 };
  };
  const cycle = async (request: { mode?: 'full' | 'incremental' }): Promise<CyclePhase> => {
    const before = await worker.stats();
    const t = performance.now();
    const started = await control.syncNow('bench', request);
    const summary = (await client.workflow.getHandle(started.workflowId).result()) as CycleSummary;
    const seconds = (performance.now() - t) / 1000;
    const after = await worker.stats();
    return { seconds, cpuSeconds: (after.cpuMicros - before.cpuMicros) / 1e6, read: summary.counts.read, updated: summary.counts.update, failed: summary.counts.failed };
  };

  // Initial sync.
  worker.resetPeak();
  const cpuBefore = (await worker.stats()).cpuMicros;
  const tSync = performance.now();
  const activation = await control.activate('bench');
  if (!activation.ok) throw new Error(`activation failed: ${JSON.stringify(activation.checks)}`);
  const first = await waitFirstCycle('bench');
  const syncSeconds = (performance.now() - tSync) / 1000;
  const syncStats = await worker.stats();
  const liveAfterSync = await worker.gc();
  const initial = {
    users,
    created: first.counts.succeeded,
    failed: first.counts.failed + first.counts.invalid,
    seconds: syncSeconds,
    cycleSeconds: first.durationMs / 1000,
    usersPerSec: first.counts.succeeded / syncSeconds,
    cpuMicrosPerUser: (syncStats.cpuMicros - cpuBefore) / Math.max(1, first.counts.succeeded),
    peakRssMb: syncStats.peakRss / 2 ** 20,
    liveHeapAfterGcMb: liveAfterSync.heapUsed / 2 ** 20,
    atPeakMb: Object.fromEntries(Object.entries(syncStats.atPeak).map(([k, v]) => [k, Math.round(v / 2 ** 20)])) as Record<string, number>,
  };
  say(`initial sync: ${initial.created} created (${initial.failed} failed) in ${syncSeconds.toFixed(1)} s = ${initial.usersPerSec.toFixed(0)} users/s end to end (cycle ${initial.cycleSeconds.toFixed(1)} s)`);
  say(`  worker CPU ${initial.cpuMicrosPerUser.toFixed(0)} µs/user, peak RSS ${initial.peakRssMb.toFixed(0)} MB (then: V8 heap ${initial.atPeakMb.heapUsed} used of ${initial.atPeakMb.heapTotal} MB, external ${initial.atPeakMb.external} MB; live heap after the sync ${initial.liveHeapAfterGcMb.toFixed(0)} MB; idle worker ${(idleStats.rss / 2 ** 20).toFixed(0)} MB)`);

  // 100 changes among the population, then incremental cycles.
  const ldapClient = new LdapClient({ url: ldap.url });
  await ldapClient.bind(ldap.env.OUTBOUND_LDAP_BIND_DN, ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  const { searchEntries } = await ldapClient.search(`ou=people,${base}`, { filter: '(employeeType=employee)', attributes: ['entryUUID'], sizeLimit: 100 + Number(values['on-demand']) });
  const changed = searchEntries.slice(0, 100);
  for (const e of changed) await ldapClient.modify(e.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Benchmark Changed'] }) })]);
  const incremental100 = await cycle({});
  say(`incremental cycle with ${changed.length} changes: ${incremental100.updated} updates in ${incremental100.seconds.toFixed(2)} s, worker CPU ${incremental100.cpuSeconds.toFixed(2)} s (read ${incremental100.read})`);
  const incremental0 = await cycle({});
  say(`incremental cycle with 0 changes: ${incremental0.seconds.toFixed(2)} s, worker CPU ${incremental0.cpuSeconds.toFixed(2)} s (read ${incremental0.read})`);
  const fullIdle = await cycle({ mode: 'full' });
  say(`idle full reconcile of ${fullIdle.read} entries: ${fullIdle.seconds.toFixed(2)} s = ${(fullIdle.read / fullIdle.seconds).toFixed(0)} entries/s, worker CPU ${fullIdle.cpuSeconds.toFixed(2)} s`);
  const afterCycles = await worker.stats();

  // On-demand through the API: change one user in LDAP, provision it now, time the call.
  const app = buildApi({ client, store, taskQueue });
  const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const { token } = await new ApiKeyStore(store.db).create('admin', 'bench');
  const onDemandMs: number[] = [];
  let onDemandFailed = 0;
  for (const [k, e] of searchEntries.slice(100).entries()) {
    await ldapClient.modify(e.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [`On demand ${k}`] }) })]);
    const t = performance.now();
    const res = await fetch(`${apiUrl}/api/v1/channels/bench/users/${encodeURIComponent(String(e.entryUUID))}/provision`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    onDemandMs.push(performance.now() - t);
    const body = (await res.json()) as { outcome?: string };
    if (!res.ok || body.outcome === 'failed') onDemandFailed++;
  }
  await app.close();
  await ldapClient.unbind();
  onDemandMs.sort((a, b) => a - b);
  const onDemand = { calls: onDemandMs.length, failed: onDemandFailed, p50: percentile(onDemandMs, 50) ?? NaN, p95: percentile(onDemandMs, 95) ?? NaN };
  say(`on-demand through the API: ${onDemand.calls} users, p50 ${onDemand.p50.toFixed(0)} ms, p95 ${onDemand.p95.toFixed(0)} ms (${onDemand.failed} failed)`);

  // Latency-bound: every call takes 100 ms; throughput against writes in flight / latency.
  const latency = [];
  for (const f of latencyLevels) {
    await resetSimulator(sim.url);
    await setFaults(sim.url, { latencyMs: LATENCY_MS });
    const before = await worker.stats();
    const t = performance.now();
    const act = await control.activate(`latency-${f}`);
    if (!act.ok) throw new Error(`activation of latency-${f} failed: ${JSON.stringify(act.checks)}`);
    const s = await waitFirstCycle(`latency-${f}`);
    const after = await worker.stats();
    const wall = (performance.now() - t) / 1000;
    const row = {
      inFlight: f,
      users: s.counts.succeeded,
      failed: s.counts.failed,
      cycleSeconds: s.durationMs / 1000,
      wallSeconds: wall,
      applySeconds: s.applySeconds,
      usersPerSec: s.counts.succeeded / s.applySeconds,
      cycleUsersPerSec: s.counts.succeeded / (s.durationMs / 1000),
      bound: f / (LATENCY_MS / 1000),
      cpuSeconds: (after.cpuMicros - before.cpuMicros) / 1e6,
    };
    latency.push(row);
    say(`latency ${LATENCY_MS} ms, ${f} in flight: ${row.users} users, apply phase ${row.applySeconds.toFixed(1)} s = ${row.usersPerSec.toFixed(0)} users/s, ${((100 * row.usersPerSec) / row.bound).toFixed(0)} % of the bound ${row.bound}; whole cycle ${row.cycleSeconds.toFixed(1)} s = ${row.cycleUsersPerSec.toFixed(0)} users/s (${row.failed} failed)`);
  }

  // Throttled: the simulator admits 50 requests/s and answers 429 above.
  await resetSimulator(sim.url);
  await setFaults(sim.url, { rateLimitRps: THROTTLE_RPS });
  const admittedSoFar = async () => {
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { byStatus: Record<string, number> };
    return { admitted: Object.entries(stats.byStatus).filter(([status]) => status !== '429').reduce((n, [, c]) => n + c, 0), rejected: stats.byStatus['429'] ?? 0 };
  };
  const actThr = await control.activate('throttled');
  if (!actThr.ok) throw new Error(`activation of throttled failed: ${JSON.stringify(actThr.checks)}`);
  let atApply: Promise<{ admitted: number; rejected: number }> = Promise.resolve({ admitted: 0, rejected: 0 });
  const thr = await waitFirstCycle('throttled', () => (atApply = admittedSoFar()));
  const [start, end] = [await atApply, await admittedSoFar()];
  const admitted = end.admitted - start.admitted;
  const throttled = { users: thr.counts.succeeded, failed: thr.counts.failed + thr.counts.invalid, seconds: thr.applySeconds, admitted, rejected: end.rejected - start.rejected, ratePerSec: admitted / thr.applySeconds, limit: THROTTLE_RPS };
  say(`throttled at ${THROTTLE_RPS} req/s: ${throttled.users} users, apply phase ${thr.applySeconds.toFixed(1)} s, ${admitted} requests admitted = ${throttled.ratePerSec.toFixed(1)} req/s (${((100 * throttled.ratePerSec) / THROTTLE_RPS).toFixed(0)} % of the limit), ${throttled.rejected} answered 429, ${throttled.failed} users failed`);
  await setFaults(sim.url, {});

  await worker.stop();
  // Raw limits after the engine phases (the machine has warmed up, the simulator has grown its heap).
  const rawAfter = await simulatorRawRate(sim.url, rawUsers, concurrency);
  say(`raw simulator after, at ${concurrency} in flight: ${rawAfter.createsPerSec} creates/s, ${rawAfter.patchesPerSec} PATCH/s`);
  const ldapAfter = await ldapReadRate(ldapDatastore, ldapChannel(true), ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  say(`raw LDAP read after: ${ldapAfter.entriesPerSec} entries/s`);
  machine.loadEnd = loadavg();

  const rawAtConcurrency = rawBefore.find((r) => r.concurrency === concurrency)!;
  const results: BenchResults = {
    machine,
    settings: { users, threads, concurrency, rawUsers, latencyUsers, latencyMs: LATENCY_MS, throttleUsers, throttleRps: THROTTLE_RPS },
    raw: { before: rawBefore, after: rawAfter, atConcurrency: rawAtConcurrency, ldapBefore, ldapAfter, ldapAll },
    initial,
    ratioToRaw: initial.usersPerSec / Math.max(rawAtConcurrency.createsPerSec, rawAfter.createsPerSec),
    incremental100,
    incremental0,
    fullIdle,
    workerRssAfterCyclesMb: afterCycles.rss / 2 ** 20,
    workerIdleRssMb: idleStats.rss / 2 ** 20,
    onDemand,
    latency,
    throttled,
  };
  say(`initial sync = ${(100 * results.ratioToRaw).toFixed(0)} % of the raw create rate at ${concurrency} in flight (the higher of before/after); load average at the end ${machine.loadEnd.map((l) => l.toFixed(2)).join(' ')}`);

  if (values.docs) {
    const docPath = resolve(projectRoot, values.docs);
    const chartName = 'benchmarks-chart.svg';
    writeFileSync(
      join(docPath, '..', chartName),
      renderChart([
        {
          title: 'No added latency: users/s against writes in flight',
          xLabel: 'writes in flight',
          yLabel: 'users/s',
          series: [
            { name: 'simulator raw creates (keep-alive client)', color: '#888', points: rawBefore.map((r) => [r.concurrency, r.createsPerSec]) },
            { name: `engine initial sync, ${users.toLocaleString('en-US')} users`, color: '#d62728', points: [[concurrency, initial.usersPerSec]] },
          ],
        },
        {
          title: `${LATENCY_MS} ms per Concur call: users/s against writes in flight`,
          xLabel: 'writes in flight',
          yLabel: 'users/s',
          series: [
            { name: 'bound: writes in flight / latency', color: '#888', dashed: true, points: latency.map((l) => [l.inFlight, l.bound]) },
            { name: `engine, ${latencyUsers.toLocaleString('en-US')} users`, color: '#1f77b4', points: latency.map((l) => [l.inFlight, l.usersPerSec]) },
          ],
        },
      ]),
    );
    writeFileSync(docPath, renderBenchReport(results, chartName));
    say(`wrote ${values.docs} and ${chartName}`);
  }

  await store.close();
  await sim.stop();
  await Promise.all([temporal.stop(), ldap.stop()]);
}

async function setFaults(base: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${base}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`setting simulator faults answered ${res.status}`);
}

main()
  .catch((err: Error) => {
    console.error(`[bench] ${err.stack ?? err.message}`);
    console.error(`[bench] logs kept in ${logDir}`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (!process.exitCode) rmSync(dir, { recursive: true, force: true });
    // Open handles (Temporal client connection) must not keep the process alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  });
