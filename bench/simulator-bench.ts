/**
 * `npm run bench:simulator [-- --users 5000 --concurrency 1,16,64]`: how fast the Concur simulator
 * itself is, the ceiling for engine throughput benchmarks. Runs the simulator as a child process
 * (so client and server do not share an event loop), then for each concurrency: reset, create N
 * users, PATCH each of them, over an undici keep-alive Pool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { freePort } from '../scripts/services/service';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TOKEN = 'outbound-demo-token';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : (process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
}

async function startSimulator(port: number): Promise<ChildProcess> {
  const root = join(__dirname, '..');
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['simulators/concur/main.ts'], {
    cwd: root,
    env: { ...process.env, CONCUR_SIM_PORT: String(port), CONCUR_SIM_LOG_BODIES: '0', CONCUR_SIM_STATE_FILE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return child;
}

/** Runs `total` jobs with at most `concurrency` in flight; returns jobs per second. */
async function drive(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function send(pool: Pool, method: 'POST' | 'PATCH', path: string, body: unknown, expect: number): Promise<{ id: string }> {
  const res = await pool.request({ method, path, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.body.json()) as { id: string };
  if (res.statusCode !== expect) throw new Error(`${method} ${path} answered ${res.statusCode}: ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const users = Number(arg('users', '5000'));
  const levels = arg('concurrency', '1,16,64').split(',').map(Number);
  const port = await freePort();
  const child = await startSimulator(port);
  const base = `http://127.0.0.1:${port}`;
  const rows: Array<{ concurrency: number; createsPerSec: number; patchesPerSec: number }> = [];
  try {
    for (const c of levels) {
      const pool = new Pool(base, { connections: c, pipelining: 1, keepAliveTimeout: 30_000 });
      await pool.request({ method: 'POST', path: '/_sim/reset' }).then((r) => r.body.dump());
      const ids: string[] = new Array(users);
      const createsPerSec = await drive(users, c, async (i) => {
        const u = await send(pool, 'POST', '/profile/identity/v4.1/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `bench${i}@example.org`,
          active: true,
          name: { givenName: 'Bench', familyName: `User${i}` },
          emails: [{ value: `bench${i}@example.org`, type: 'work' }],
          [ENT]: { employeeNumber: `B${i}` },
        }, 200);
        ids[i] = u.id;
      });
      const patchesPerSec = await drive(users, c, async (i) => {
        await send(pool, 'PATCH', `/profile/identity/v4.1/Users/${ids[i]}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'replace', path: 'name.familyName', value: `Patched${i}` },
            { op: 'replace', path: `${ENT}:costCenter`, value: 'CC1' },
          ],
        }, 200);
      });
      await pool.close();
      rows.push({ concurrency: c, createsPerSec: Math.round(createsPerSec), patchesPerSec: Math.round(patchesPerSec) });
      console.log(`concurrency ${String(c).padStart(3)}: ${Math.round(createsPerSec)} creates/s, ${Math.round(patchesPerSec)} patches/s (${users} users)`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
