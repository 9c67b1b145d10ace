/**
 * The fault-injection scenarios of `npm run chaos` (and, reduced, of test/integration/chaos). Each
 * run starts a fresh channel over the first N people into an emptied simulator, injects its fault
 * and then checks that the simulator holds exactly the users the source says: every in-scope
 * person once (no duplicate), with the source's current title and status (no lost update), and
 * with a bounded number of requests per user (bounded retries).
 */
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { ApiKeyStore } from '../../src/api/auth/api-key-store';
import { buildApi } from '../../src/api/server';
import { runCli } from '../../src/cli/main';
import type { ConcurSimulator, FaultOptions } from '../../simulators/concur';
import { freePort } from '../../scripts/services/service';
import { firstPeopleFilter, TASK_QUEUE, type ChaosEnv } from './chaos-env';

export interface Verdict {
  expected: number;
  present: number;
  duplicates: number;
  /** In scope but absent, or present with a stale title/status. */
  lost: number;
  /** Requests the simulator answered (or dropped) per expected user. */
  requestsPerUser: number;
  /** A scenario-specific check that failed (e.g. the command's exit code). */
  failedCheck?: string;
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  runs: Verdict[];
}

export interface ScenarioOptions {
  users: number;
  runs: number;
  /** Upper bound on requests per user for "bounded retries". */
  maxRequestsPerUser: number;
  timeoutMs: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SCHEMA_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

async function ldapClient(env: ChaosEnv): Promise<LdapClient> {
  const c = new LdapClient({ url: env.ldap.url });
  await c.bind(env.ldap.env.OUTBOUND_LDAP_BIND_DN, env.ldap.env.OUTBOUND_LDAP_BIND_PASSWORD);
  return c;
}

/** userName -> what Concur should hold, from the directory itself. */
async function expectedUsers(env: ChaosEnv, users: number): Promise<Map<string, { title: string; active: boolean; employeeNumber: string }>> {
  const c = await ldapClient(env);
  try {
    const { searchEntries } = await c.search(`ou=people,${env.ldap.env.OUTBOUND_LDAP_BASE_DN}`, {
      filter: `(&(objectClass=inetOrgPerson)${firstPeopleFilter(users, env.people)}(!(uid=concur-admin)))`,
      attributes: ['mail', 'title', 'employeeType', 'employeeNumber'],
      paged: { pageSize: 1000 },
    });
    return new Map(searchEntries.map((e) => [String(e.mail).toLowerCase(), { title: String(e.title), active: String(e.employeeType) !== 'disabled', employeeNumber: String(e.employeeNumber) }]));
  } finally {
    await c.unbind();
  }
}

export async function verify(env: ChaosEnv, sim: ConcurSimulator, users: number): Promise<Verdict> {
  const expected = await expectedUsers(env, users);
  const held = sim.users();
  const byName = new Map<string, number>();
  for (const u of held) byName.set(u.userName.toLowerCase(), (byName.get(u.userName.toLowerCase()) ?? 0) + 1);
  const byEmployee = new Map<string, number>();
  for (const u of held) {
    const en = (u[SCHEMA_ENTERPRISE] as { employeeNumber?: string } | undefined)?.employeeNumber ?? '';
    byEmployee.set(en, (byEmployee.get(en) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const [name, count] of byName) duplicates += expected.has(name) ? count - 1 : count;
  for (const count of byEmployee.values()) if (count > 1) duplicates = Math.max(duplicates, count - 1);
  let lost = 0;
  for (const [name, want] of expected) {
    const have = held.find((u) => u.userName.toLowerCase() === name);
    if (!have || have.title !== want.title || have.active !== want.active) lost++;
  }
  const stats = sim.stats();
  const answered = Object.values(stats.byStatus).reduce((a, b) => a + b, 0) + stats.resets + stats.lost;
  return { expected: expected.size, present: held.length, duplicates, lost, requestsPerUser: answered / Math.max(1, expected.size) };
}

/** Waits until the simulator matches the source (or the timeout), then until no cycle runs. */
async function converge(env: ChaosEnv, sim: ConcurSimulator, channelId: string, o: ScenarioOptions): Promise<Verdict> {
  const deadline = Date.now() + o.timeoutMs;
  let v = await verify(env, sim, o.users);
  while ((v.lost > 0 || v.duplicates > 0) && Date.now() < deadline) {
    await sleep(500);
    v = await verify(env, sim, o.users);
  }
  // Let a running cycle finish: a late write could still add a duplicate.
  while (Date.now() < deadline) {
    const status = await env.control.status(channelId).catch(() => undefined);
    if (status && !status.progress) break;
    await sleep(250);
  }
  return verify(env, sim, o.users);
}

async function waitPhase(env: ChaosEnv, channelId: string, phases: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = (await env.control.status(channelId).catch(() => undefined))?.progress;
    if (p && phases.includes(p.phase) && (p.phase !== 'applying' || p.batchesDone >= 1 || p.batches <= 1)) return;
    await sleep(50);
  }
  throw new Error(`channel ${channelId} never reached ${phases.join('/')}`);
}

async function activate(env: ChaosEnv, channelId: string): Promise<void> {
  const result = await env.control.activate(channelId);
  if (!result.ok) throw new Error(`activation of ${channelId} failed: ${JSON.stringify(result.checks)}`);
}

async function changeTitles(env: ChaosEnv, users: number, count: number, tag: string): Promise<void> {
  const c = await ldapClient(env);
  try {
    const { searchEntries } = await c.search(`ou=people,${env.ldap.env.OUTBOUND_LDAP_BASE_DN}`, { filter: `(&${firstPeopleFilter(users, env.people)}(employeeType=employee))`, attributes: ['dn'], sizeLimit: count });
    for (const e of searchEntries) await c.modify(e.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [`Chaos ${tag}`] }) })]);
  } finally {
    await c.unbind();
  }
}

let channelNo = 0;
const fresh = async (env: ChaosEnv, sim: ConcurSimulator, name: string, o: ScenarioOptions, extra: Parameters<ChaosEnv['addChannel']>[1] extends infer T ? Partial<T> : never = {}) => {
  sim.reset();
  return env.addChannel(`${name}-${++channelNo}`, { users: o.users, ...extra });
};

type Scenario = (env: ChaosEnv, o: ScenarioOptions, run: number) => Promise<Verdict>;

/** 1. kill -9 of the worker at a random point of the initial sync; a new worker finishes it. */
const killWorker: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'kill', o);
  await activate(env, ch);
  await waitPhase(env, ch, ['planning', 'applying']);
  await sleep(Math.random() * 2500);
  const victim = env.workers.shift()!;
  await victim.kill();
  await env.startWorker();
  return converge(env, env.sim, ch, o);
};

/** 2. The Temporal server stopped and restarted mid-cycle: the cycle resumes and completes. */
const restartTemporal: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'temporal', o);
  await activate(env, ch);
  await waitPhase(env, ch, ['applying']);
  await env.temporal.stop();
  await sleep(2000);
  await env.temporal.start();
  return converge(env, env.sim, ch, o);
};

/** 3. The state store's PostgreSQL restarted mid-cycle. */
const restartPostgres: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'pg', o);
  await activate(env, ch);
  await waitPhase(env, ch, ['applying']);
  await env.pg.stop();
  await sleep(2000);
  await env.pg.start();
  return converge(env, env.sim, ch, o);
};

/** 4. slapd stopped as the cycle starts reading: the cycle fails cleanly; slapd back, the next interval recovers. */
const stopSlapd: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'slapd', o, { intervalSeconds: 3 });
  await activate(env, ch);
  await waitPhase(env, ch, ['planning']);
  await env.ldap.stop();
  // The cycle that was reading ends (failed, or done if it read everything before the stop).
  const deadline = Date.now() + 10_000;
  let outcome = 'still retrying the read';
  while (Date.now() < deadline) {
    const last = (await env.control.status(ch)).lastCycle;
    if (last) {
      outcome = last.outcome;
      break;
    }
    await sleep(100);
  }
  const writtenWhileDown = env.sim.users().length;
  await sleep(3000);
  await env.ldap.start();
  const v = await converge(env, env.sim, ch, o);
  return { ...v, note: `cycle during the stop: ${outcome}, ${writtenWhileDown} users written` };
};

export const FAULT_MIX: FaultOptions = { errorRate: 0.1, errorStatus: 503, throttleRate: 0.05, retryAfterSeconds: 0, resetRate: 0.02, lostResponseRate: 0.02, spikeRate: 0.02, spikeMs: 1500 };

/** 5. 10 % 5xx, 5 % 429, 2 % resets, 2 % lost answers, latency spikes; then 20 changes under the same faults. */
const simulatorFaults: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'faults', o);
  env.sim.setFaults(FAULT_MIX);
  try {
    await activate(env, ch);
    const first = await converge(env, env.sim, ch, o);
    if (first.lost > 0 || first.duplicates > 0) return { ...first, note: 'initial sync did not converge' };
    await changeTitles(env, o.users, 20, `faults ${channelNo}`);
    await env.control.syncNow(ch, {});
    return await converge(env, env.sim, ch, o);
  } finally {
    env.sim.setFaults({});
  }
};

/** 6. Access tokens expiring every few seconds (OAuth2 refresh with rotation) during the sync. */
const expiringTokens: Scenario = async (env, o) => {
  const ch = await fresh(env, env.oauthSim, 'tokens', o, { connection: 'oauth', maxThreads: 2 });
  // Slow enough that the sync outlives several access tokens.
  env.oauthSim.setFaults({ latencyMs: 20, pathPrefixes: ['/profile/'] });
  try {
    await activate(env, ch);
    return await converge(env, env.oauthSim, ch, o);
  } finally {
    env.oauthSim.setFaults({});
  }
};

/** 7. The API restarted while `outbound sync --wait` runs: the run and the command are unaffected. */
const restartApi: Scenario = async (env, o) => {
  const ch = await fresh(env, env.sim, 'api', o);
  await activate(env, ch);
  await converge(env, env.sim, ch, o);
  await changeTitles(env, o.users, 20, `api ${channelNo}`);
  env.sim.setFaults({ latencyMs: 30 });
  const port = await freePort();
  const { token } = await new ApiKeyStore(env.store.db).create('admin', `chaos-${channelNo}`);
  const listen = async () => {
    const app = buildApi({ client: env.client, store: env.store, taskQueue: TASK_QUEUE });
    await app.listen({ port, host: '127.0.0.1' });
    return app;
  };
  let app = await listen();
  const out: string[] = [];
  const cli = runCli(['sync', ch, '--mode', 'full', '--wait'], { env: { OUTBOUND_API_URL: `http://127.0.0.1:${port}`, OUTBOUND_API_KEY: token }, out: (s) => out.push(s), err: () => undefined, pollMs: 100 });
  await sleep(300);
  await app.close();
  await sleep(1500);
  app = await listen();
  const code = await cli;
  await app.close();
  env.sim.setFaults({});
  const v = await converge(env, env.sim, ch, o);
  return { ...v, failedCheck: code === 0 ? undefined : `sync --wait exited ${code}`, note: `sync --wait exited ${code}: ${out.join(' ').replace(/\s+/g, ' ').slice(0, 300)}` };
};

export const SCENARIOS: Record<string, { title: string; run: Scenario }> = {
  kill9: { title: '1. kill -9 of the worker during the initial sync', run: killWorker },
  temporal: { title: '2. Temporal server restarted mid-cycle', run: restartTemporal },
  postgres: { title: "3. state store's PostgreSQL restarted mid-cycle", run: restartPostgres },
  slapd: { title: '4. slapd stopped during the read, started again', run: stopSlapd },
  faults: { title: '5. simulator faults: 10 % 5xx, 5 % 429, 2 % resets, 2 % lost answers, spikes', run: simulatorFaults },
  tokens: { title: '6. access tokens expiring during the sync (refresh rotation)', run: expiringTokens },
  api: { title: '7. API restarted during sync --wait', run: restartApi },
};

export const converged = (v: Verdict, maxRequestsPerUser: number) => v.lost === 0 && v.duplicates === 0 && !v.failedCheck && v.requestsPerUser <= maxRequestsPerUser;

export async function runScenario(env: ChaosEnv, name: string, o: ScenarioOptions): Promise<ScenarioResult> {
  const s = SCENARIOS[name];
  const runs: Verdict[] = [];
  for (let run = 1; run <= o.runs; run++) {
    if (env.workers.length === 0) await env.startWorker();
    const t = Date.now();
    const v = await s.run(env, o, run);
    runs.push(v);
    o.log(`${s.title}, run ${run}: ${v.present}/${v.expected} present, ${v.duplicates} duplicates, ${v.lost} lost, ${v.requestsPerUser.toFixed(2)} requests/user, ${((Date.now() - t) / 1000).toFixed(1)} s${v.note ? ` (${v.note})` : ''}`);
  }
  return { scenario: s.title, runs };
}

/** Scale-out: two workers on one task queue share a sync; one is killed mid-cycle, the other finishes. */
export async function runScaleOut(env: ChaosEnv, o: ScenarioOptions): Promise<{ shares: Record<string, number>; sharesBeforeKill: Record<string, number>; verdict: Verdict; killed: string }> {
  while (env.workers.length < 2) await env.startWorker();
  const pair = env.workers.slice(0, 2);
  const [a] = pair;
  const ch = await fresh(env, env.sim, 'scale', o, { maxThreads: 16 });
  const before = new Map(pair.map((w) => [w, batchCount(w.logFile)]));
  const shareNow = () => Object.fromEntries([...before].map(([w, n]) => [`${w === a ? 'killed ' : ''}worker pid ${w.pid}`, batchCount(w.logFile) - n]));
  await activate(env, ch);
  // Kill one worker once about 40 % of the batches are done, so both have run a share first.
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    const p = (await env.control.status(ch).catch(() => undefined))?.progress;
    if (p && p.phase !== 'planning' && p.batchesDone >= Math.max(1, Math.floor(p.batches * 0.4))) break;
    await sleep(100);
  }
  const sharesBeforeKill = shareNow();
  const killed = `worker pid ${a.pid}`;
  env.workers.splice(env.workers.indexOf(a), 1);
  await a.kill();
  const verdict = await converge(env, env.sim, ch, o);
  return { shares: shareNow(), sharesBeforeKill, verdict, killed };
}

/** Batch activities a worker process completed, from the "batch applied" lines of its log. */
function batchCount(logFile: string): number {
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('batch applied')).length;
}
