/**
 * `npm run bench:simulator [-- --users 5000 --concurrency 1,16,64]`: how fast the Concur simulator
 * itself is, the ceiling for engine throughput benchmarks. Runs the simulator as a child process
 * (so client and server do not share an event loop), then for each concurrency: reset, create N
 * users, PATCH each of them, over an undici keep-alive Pool.
 */
import { freePort } from '../scripts/services/service';
import { startSimulatorProcess } from './bench-processes';
import { simulatorRawRate, type RawRate } from './raw-limits';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : (process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
}

async function main() {
  const users = Number(arg('users', '5000'));
  const levels = arg('concurrency', '1,16,64').split(',').map(Number);
  const sim = await startSimulatorProcess({ port: await freePort() });
  const rows: RawRate[] = [];
  try {
    for (const c of levels) {
      const row = await simulatorRawRate(sim.url, users, c);
      rows.push(row);
      console.log(`concurrency ${String(c).padStart(3)}: ${row.createsPerSec} creates/s, ${row.patchesPerSec} patches/s (${users} users)`);
    }
  } finally {
    await sim.stop();
  }
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
