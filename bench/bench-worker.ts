/**
 * The Outbound worker as its own process for the benchmarks, so its CPU time (process.cpuUsage)
 * and memory are its own and not the driver's. The parent talks to it over IPC:
 * `{ type: 'stats' }` -> `{ type: 'stats', cpuMicros, rss, peakRss }`; `{ type: 'reset-peak' }`;
 * `{ type: 'stop' }` (drains, then exits). Settings come from BENCH_* variables (see startBenchWorker).
 */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { EncryptionCodec } from '../src/codec/encryption-codec';
import { openStateStore, type StateStoreOptions } from '../src/store/open-state-store';
import { createRuntimeDeps } from '../src/app/runtime';
import { createOutboundWorker } from '../src/worker/worker';

export interface WorkerStats {
  type: 'stats';
  /** User + system CPU since the process started, in µs. */
  cpuMicros: number;
  rss: number;
  peakRss: number;
  /** process.memoryUsage() when RSS peaked: where the memory was (V8 heap, buffers, native). */
  atPeak: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  pid: number;
}

async function main() {
  const env = process.env;
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  const storeOptions: StateStoreOptions = env.BENCH_PG_URL ? { client: 'pg', connection: env.BENCH_PG_URL } : { client: 'better-sqlite3', filename: String(env.BENCH_DB) };
  const store = await openStateStore(storeOptions, { key: Buffer.from(String(env.BENCH_SECRET_KEY), 'hex') });
  const codec = new EncryptionCodec(Buffer.from(String(env.BENCH_CODEC_KEY), 'hex'));
  const { worker, closeResources } = await createOutboundWorker({
    connection: await NativeConnection.connect({ address: String(env.BENCH_TEMPORAL) }),
    taskQueue: String(env.BENCH_TASK_QUEUE),
    deps: createRuntimeDeps(store),
    dataConverter: { payloadCodecs: [codec] },
    // A bundle built once by the driver, as a production image would ship it: bundling at start
    // would leave webpack's memory in the worker's RSS.
    workflowBundlePath: env.BENCH_WORKFLOW_BUNDLE || undefined,
  });
  let peakRss = 0;
  let atPeak: WorkerStats['atPeak'] = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  // process.memoryUsage() walks the V8 heap; every 50 ms it was a visible share of the worker's
  // profile. RSS alone is cheap; the heap breakdown is taken only at a new peak.
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) {
      const m = process.memoryUsage();
      peakRss = Math.max(rss, m.rss);
      atPeak = { heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    }
    return rss;
  };
  sample();
  const sampler = setInterval(sample, 50);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      const rss = sample();
      const stats: WorkerStats = { type: 'stats', cpuMicros: cpu.user + cpu.system, rss, peakRss, atPeak, pid: process.pid };
      process.send?.(stats);
    } else if (m.type === 'gc') {
      // With --expose-gc: how much of the heap is live (the rest is garbage V8 has not collected).
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: 'gc', heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage.rss() });
    } else if (m.type === 'reset-peak') {
      peakRss = 0;
      sample();
    } else if (m.type === 'stop') {
      worker.shutdown();
    }
  });
  process.on('disconnect', () => worker.getState() === 'RUNNING' && worker.shutdown());
  process.send?.({ type: 'ready' });
  await worker.run();
  clearInterval(sampler);
  await closeResources();
  await store.close();
  process.exit(0);
}

main().catch((err: Error) => {
  console.error(`[bench-worker] ${err.stack ?? err.message}`);
  process.exit(1);
});
