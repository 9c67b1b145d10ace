/** docs/benchmarks.md as `npm run bench` writes it: conditions, figures against targets, chart. */
import type { LdapRate, RawRate } from './raw-limits';

export interface CyclePhase {
  seconds: number;
  cpuSeconds: number;
  read: number;
  updated: number;
  failed: number;
}

export interface BenchResults {
  machine: { cpu: string; cores: number; memGiB: number; node: string; kernel: string; loadStart: number[]; loadEnd: number[]; date: string };
  settings: { users: number; threads: number; concurrency: number; rawUsers: number; latencyUsers: number; latencyMs: number; throttleUsers: number; throttleRps: number };
  raw: { before: RawRate[]; after: RawRate; atConcurrency: RawRate; ldapBefore: LdapRate; ldapAfter: LdapRate; ldapAll: LdapRate };
  initial: { users: number; created: number; failed: number; seconds: number; cycleSeconds: number; usersPerSec: number; cpuMicrosPerUser: number; peakRssMb: number; liveHeapAfterGcMb: number; atPeakMb: Record<string, number> };
  ratioToRaw: number;
  incremental100: CyclePhase;
  incremental0: CyclePhase;
  fullIdle: CyclePhase;
  workerRssAfterCyclesMb: number;
  workerIdleRssMb: number;
  onDemand: { calls: number; failed: number; p50: number; p95: number };
  latency: Array<{ inFlight: number; users: number; failed: number; cycleSeconds: number; applySeconds: number; usersPerSec: number; cycleUsersPerSec: number; bound: number; cpuSeconds: number }>;
  throttled: { users: number; failed: number; seconds: number; admitted: number; rejected: number; ratePerSec: number; limit: number };
}

const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (v: number) => `${n(100 * v)} %`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

export function renderBenchReport(r: BenchResults, chartFile: string): string {
  const s = r.settings;
  const m = r.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const fullRate = r.fullIdle.read / r.fullIdle.seconds;
  // The 100k target scaled to this run's population (the reconcile is linear in entries).
  const fullTarget = (4 * s.users) / 100_000;
  const rows: string[][] = [
    [`initial sync, ${n(s.users)} users`, `${n(r.initial.usersPerSec)} users/s (${n(r.initial.created)} created, ${n(r.initial.failed)} failed, ${n(r.initial.seconds, 1)} s)`, '—', ''],
    ['… ratio to the raw create rate at the same concurrency', pct(r.ratioToRaw), '≥ 50 %', verdict(r.ratioToRaw >= 0.5)],
    ['worker CPU per user (initial sync)', `${n(r.initial.cpuMicrosPerUser)} µs`, '≤ 150 µs', verdict(r.initial.cpuMicrosPerUser <= 150)],
    ['worker peak RSS (initial sync)', `${n(r.initial.peakRssMb)} MB (V8 heap ${n(r.initial.atPeakMb.heapUsed)} of ${n(r.initial.atPeakMb.heapTotal)} MB then, ${n(r.initial.liveHeapAfterGcMb)} MB live after the sync; idle worker ${n(r.workerIdleRssMb)} MB)`, '≤ 300 MB at 100k, within 15 % of 10k', verdict(r.initial.peakRssMb <= 300)],
    ['incremental cycle, 100 changes', `${n(r.incremental100.seconds, 2)} s wall, ${n(r.incremental100.cpuSeconds, 2)} s worker CPU (${n(r.incremental100.updated)} updated)`, '≤ 0.3 s', verdict(r.incremental100.seconds <= 0.3)],
    ['incremental cycle, 0 changes', `${n(r.incremental0.seconds, 2)} s wall, ${n(r.incremental0.cpuSeconds, 2)} s worker CPU`, '—', ''],
    [`idle full reconcile, ${n(r.fullIdle.read)} entries`, `${n(r.fullIdle.seconds, 2)} s, ${n(fullRate)} entries/s, ${n(r.fullIdle.cpuSeconds, 2)} s worker CPU`, `≤ 4 s at 100k (${n(fullTarget, 1)} s at this size)`, verdict(r.fullIdle.seconds <= fullTarget)],
    ...r.latency.map((l) => [
      `latency-bound, ${s.latencyMs} ms/call, ${l.inFlight} in flight`,
      `apply phase ${n(l.usersPerSec)} users/s = ${pct(l.usersPerSec / l.bound)} of the bound ${n(l.bound)}; whole cycle (with planning) ${n(l.cycleUsersPerSec)} users/s (${n(l.users)} users, ${n(l.failed)} failed)`,
      l.inFlight >= 64 ? '≥ 90 % of the bound' : '—',
      l.inFlight >= 64 ? verdict(l.usersPerSec / l.bound >= 0.9) : '',
    ]),
    [`throttled, simulator admits ${s.throttleRps} req/s`, `${n(r.throttled.ratePerSec, 1)} req/s = ${pct(r.throttled.ratePerSec / r.throttled.limit)} of the limit; ${n(r.throttled.users)} users, ${n(r.throttled.failed)} failed, ${n(r.throttled.rejected)} answered 429`, '≥ 95 %, 0 failed', verdict(r.throttled.ratePerSec / r.throttled.limit >= 0.95 && r.throttled.failed === 0)],
    [`on-demand through the API (${r.onDemand.calls} users, 0 ms latency)`, `p50 ${n(r.onDemand.p50)} ms, p95 ${n(r.onDemand.p95)} ms (${r.onDemand.failed} failed)`, 'p50 ≤ 300 ms', verdict(r.onDemand.p50 <= 300)],
  ];
  const table = (head: string[], body: string[][]) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n');

  return `# Benchmarks

Written by \`npm run bench -- --users ${s.users}\` on ${m.date.slice(0, 10)}; re-run it to refresh
this page. Everything runs on one machine over loopback: slapd, the Temporal dev server (in memory),
the Concur simulator (own process), one Outbound worker (own process; its CPU and memory are the
figures below) and the driver with the API.

**Machine**: ${m.cores} × ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}, Linux ${m.kernel}.
**Load average** (1/5/15 min) at the start: ${load(m.loadStart)}; at the end: ${load(m.loadEnd)}.
A load average above the core count means other work shared the cores, and every figure below is
then lower than the machine can do.

**Concurrency**: ${s.threads} threads per batch, 3 batches at once, capped by the connection's
maxConnections = **${s.concurrency} writes in flight**, and the raw simulator rate is measured with ${s.concurrency} requests in flight over a
keep-alive pool. Latency-bound runs use ${n(s.latencyUsers)} users; the throttled run
${n(s.throttleUsers)} users.

## Figures against the targets

${table(['measure', 'result', 'target', ''], rows)}

![throughput against concurrency and latency](${chartFile})

## Raw limits (same run)

${table(
  ['measure', 'before the engine phases', 'after'],
  [
    [`simulator creates/s at ${s.concurrency} in flight (${n(s.rawUsers)} users)`, n(r.raw.atConcurrency.createsPerSec), n(r.raw.after.createsPerSec)],
    [`simulator PATCH/s at ${s.concurrency} in flight`, n(r.raw.atConcurrency.patchesPerSec), n(r.raw.after.patchesPerSec)],
    [`LDAP read, ${r.raw.ldapBefore.attributes}`, `${n(r.raw.ldapBefore.entriesPerSec)} entries/s`, `${n(r.raw.ldapAfter.entriesPerSec)} entries/s`],
    ['LDAP read, every attribute (`*`), for comparison', `${n(r.raw.ldapAll.entriesPerSec)} entries/s`, '—'],
    ...r.raw.before.filter((x) => x.concurrency !== s.concurrency).map((x) => [`simulator creates/s at ${x.concurrency} in flight`, n(x.createsPerSec), '—']),
  ],
)}

The ratio above divides by the higher of the before/after create rates.

## How to read and reproduce

* \`npm run bench\` (10k users) or \`npm run bench -- --users 100000\`; \`--threads\` sets the
  channel's maxThreads (the connection's maxConnections, the cap on writes in flight, is 2 × threads); \`--latency-users\`, \`--throttle-users\`,
  \`--latency-levels 16,64,256\`; \`--docs ''\` prints without writing this page; \`--cpu-prof\`
  writes the worker's CPU profile to \`bench-profiles/\` (open it in Chrome DevTools).
* Latency-bound: the simulator delays every API call by ${s.latencyMs} ms; the bound is writes in
  flight ÷ latency, compared with the apply phase (from the cycle leaving planning to its end;
  planning reads and maps at the same speed whatever Concur's latency). Each level is a fresh channel with maxThreads = in-flight ÷ 2 and a connection
  with maxConnections = in-flight, creating the same users in an emptied simulator.
* Throttled: the simulator admits ${s.throttleRps} API requests per one-second window and answers
  429 above; the connection's own ceiling is set far above, so the adaptive limiter has to find the
  rate from the 429s. The achieved rate counts every admitted request (look-ups, creates) over the
  apply phase of the first cycle (planning sends nothing to Concur).
* Peak RSS is at one population per run; compare a \`--users 10000\` and a \`--users 100000\` run for
  the 15 % target.
* Fault injection and scale-out are measured by \`npm run chaos\` (see docs/operations.md, "Sizing and
  concurrency"): per scenario, runs, converged, duplicates, lost and requests per user.
* Other benchmarks: \`npm run bench:simulator\`, \`npm run bench:datastores\`,
  \`tsx bench/mapping-bench.ts 100000\`, \`tsx bench/store-bench.ts 100000\`.
`;
}
