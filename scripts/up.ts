/**
 * `npm run up`: the whole product on embedded defaults. Starts the Temporal dev server (with Web
 * UI), slapd with the demo directory, the Concur simulator, the worker and the API; applies
 * config/demo.json; activates the demo channel and waits for its first cycle; prints where
 * everything is; on Ctrl-C stops everything it started.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfigFile } from '../src/config/config-file';
import { assertPortFree, dataRoot, projectRoot, spawnLogged, stopProcess, waitUntil, type RunningService } from './services/service';
import { startTemporal } from './services/temporal';
import { startSlapd } from './services/slapd';
import { ensureFirstAdminKey } from './first-admin-key';
import { ensureConsoleBuilt } from './web-build';

const apiPort = Number(process.env.OUTBOUND_API_PORT ?? 8080);
const simPort = Number(process.env.CONCUR_SIM_PORT ?? 8090);
const demoToken = process.env.CONCUR_SIM_DEMO_TOKEN ?? 'outbound-demo-token';
const logDir = join(dataRoot, 'logs');
let apiKey = '';
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
let shuttingDown = false;

function child(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
  const proc = spawnLogged(name, tsx, [script], { logDir, cwd: projectRoot, env });
  proc.once('exit', (code, signal) => {
    if (!shuttingDown) console.error(`[up] ${name} exited unexpectedly (code ${code ?? signal}); see ${join(logDir, `${name}.log`)}`);
  });
  stops.push({ name, stop: () => stopProcess(proc, 10_000) });
  return proc;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are printed, not trusted
type Json = any;

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('\n[up] stopping...');
  for (const s of stops.reverse()) await s.stop().catch((err: Error) => console.error(`[up] ${s.name}: ${err.message}`));
  console.log('[up] stopped everything it started.');
  process.exit(code);
}

/** Starts services together; if one fails, those that started are registered for shutdown first. */
async function startAll<T extends RunningService[]>(starting: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starting);
  for (const r of results) if (r.status === 'fulfilled') stops.push({ name: r.value.name, stop: () => r.value.stop() });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<RunningService>).value) as T;
}

async function main() {
  await assertPortFree('api', apiPort, 'OUTBOUND_API_PORT');
  await assertPortFree('concur-simulator', simPort, 'CONCUR_SIM_PORT');

  const adminKey = await ensureFirstAdminKey({ ...process.env, OUTBOUND_DATA_DIR: dataRoot });
  apiKey = adminKey.token;
  console.log(`[up] ${adminKey.created ? 'created an admin API key' : 'using the admin API key'} in ${adminKey.file} (mode 0600; the CLI reads it)`);

  if (ensureConsoleBuilt()) console.log('[up] built the admin console (web/dist)');
  console.log('[up] starting Temporal dev server and OpenLDAP...');
  const [temporal, ldap] = await startAll([startTemporal({ codecEndpoint: `http://127.0.0.1:${apiPort}/api/v1/codec` }), startSlapd({ loadDemo: true, logDir })]);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...temporal.env,
    ...ldap.env,
    CONCUR_SIM_PORT: String(simPort),
    CONCUR_ACCESS_TOKEN: demoToken,
    CONCUR_SIM_DEMO_TOKEN: demoToken,
    OUTBOUND_API_PORT: String(apiPort),
    OUTBOUND_DATA_DIR: dataRoot,
    // The simulator keeps its users in the data folder, as Concur would keep them across restarts.
    CONCUR_SIM_STATE_FILE: process.env.CONCUR_SIM_STATE_FILE ?? join(dataRoot, 'concur-simulator-users.json'),
  };
  console.log('[up] starting the Concur simulator, the worker and the API...');
  child('concur-simulator', 'simulators/concur/main.ts', env);
  child('worker', 'src/worker/main.ts', env);
  child('api', 'src/api/main.ts', env);
  await waitUntil('the API to answer /readyz', async () => (await http('GET', '/readyz')).status === 200, 60_000, 250);
  await waitUntil('the Concur simulator', async () => (await fetch(`http://127.0.0.1:${simPort}/_sim/health`)).ok, 30_000, 250);

  const config = loadConfigFile(join(projectRoot, 'config', 'demo.json'), env);
  const applied = await http('PUT', '/api/v1/config', config);
  if (applied.status !== 200) throw new Error(`applying config/demo.json failed: ${JSON.stringify(applied.json)}`);
  const activation = await http('POST', '/api/v1/channels/demo/activate');
  for (const check of activation.json?.checks ?? []) console.log(`[up]   ${check.ok ? (check.warning ? 'warn' : ' ok ') : 'FAIL'} ${check.name}: ${check.message}`);
  if (activation.status !== 200) throw new Error('the demo channel did not activate (see the checks above)');

  // A channel that already ran (data kept from an earlier `npm run up`) reconciles with the
  // target now, so Concur and the state store agree even if the simulator's file was removed;
  // a new one runs its first cycle as soon as it is activated.
  let status: Json = (await http('GET', '/api/v1/channels/demo/status')).json;
  let c: Json;
  if (status?.lastCycle) {
    const started: Json = (await http('POST', '/api/v1/channels/demo/sync', { mode: 'target' })).json;
    await waitUntil(
      "the demo channel's reconcile with the simulator",
      async () => {
        status = (await http('GET', '/api/v1/channels/demo/status')).json;
        // Re-creating many users trips the mass-change guard; for the demo, say so and approve.
        if (status?.currentCycle?.cycleNo === started.cycleNo && status?.progress?.phase === 'awaiting-approval') {
          console.log(`[up] the simulator lost users (${status.progress.guard?.removals} to re-create or repair): approving for the demo`);
          await http('POST', `/api/v1/channels/demo/cycles/${started.cycleNo}/approve`);
        }
        return status?.lastCycle?.cycleNo === started.cycleNo;
      },
      5 * 60_000,
      500,
    );
    c = status.lastCycle;
  } else {
    await waitUntil(
      "the demo channel's first cycle",
      async () => {
        status = (await http('GET', '/api/v1/channels/demo/status')).json;
        return Boolean(status?.lastCycle);
      },
      5 * 60_000,
      500,
    );
    c = status.lastCycle;
  }
  console.log(
    `[up] cycle ${c.cycleNo} (${c.mode}): ${c.outcome}; read ${c.counts.read}, created ${c.counts.create}, updated ${c.counts.update}, excluded ${c.counts.excluded}, failed ${c.counts.failed + c.counts.invalid} (${c.durationMs} ms)`,
  );
  console.log(`
Outbound is up.
  API          http://127.0.0.1:${apiPort}   (try: curl -H "Authorization: Bearer $(cat ${adminKey.file})" http://127.0.0.1:${apiPort}/api/v1/channels/demo/status)
  Console      http://127.0.0.1:${apiPort}/ui/   (sign in with the key in ${adminKey.file})
  API key      ${adminKey.file}   (admin; npm run cli -- keys create --role read --name me)
  Temporal UI  ${temporal.env.OUTBOUND_TEMPORAL_UI_URL}   (filter: OutboundChannel="demo")
  Temporal     ${temporal.url}
  Simulator    http://127.0.0.1:${simPort}   (users: http://127.0.0.1:${simPort}/_sim/users; token ${demoToken})
  LDAP         ${ldap.url}   (${ldap.env.OUTBOUND_LDAP_BIND_DN})
  Logs         ${logDir}
Press Ctrl-C to stop everything.`);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch(async (err: Error) => {
  console.error(`[up] ${err.message}`);
  await shutdown(1);
});

