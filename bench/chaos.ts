/**
 * `npm run chaos [-- --users 10000 --runs 10 --only kill9,faults]`: the fault-injection scenarios
 * (bench/chaos/chaos-scenarios.ts) and the scale-out run, each checked for convergence: exactly
 * the users the source says, no duplicate, no lost update, bounded requests per user. Prints the
 * table `scenario | runs | converged | duplicates | lost`; exits 1 unless every run converged.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startChaosEnv } from './chaos/chaos-env';
import { converged, runScaleOut, runScenario, SCENARIOS, type ScenarioResult } from './chaos/chaos-scenarios';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    'kill-users': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
    'kill-runs': { type: 'string', default: '10' },
    'scale-users': { type: 'string', default: '10000' },
    'token-ttl': { type: 'string', default: '30' },
    only: { type: 'string', default: '' },
    'no-scale-out': { type: 'boolean', default: false },
  },
});
const say = (line: string) => console.log(`[chaos] ${line}`);

async function main() {
  const users = Number(values.users);
  const people = Math.max(users, Number(values['kill-users']), Number(values['scale-users']));
  const only = values.only ? values.only.split(',') : Object.keys(SCENARIOS);
  say(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${people} people in slapd; starting servers...`);
  const env = await startChaosEnv({ people, tokenTtlSeconds: Number(values['token-ttl']), log: () => undefined });
  const results: ScenarioResult[] = [];
  let scale: Awaited<ReturnType<typeof runScaleOut>> | undefined;
  try {
    for (const name of only) {
      const kill = name === 'kill9';
      results.push(
        await runScenario(env, name, {
          users: kill ? Number(values['kill-users']) : users,
          runs: kill ? Number(values['kill-runs']) : Number(values.runs),
          maxRequestsPerUser: 4,
          timeoutMs: 10 * 60_000,
          log: say,
        }),
      );
    }
    if (!values['no-scale-out']) {
      scale = await runScaleOut(env, { users: Number(values['scale-users']), runs: 1, maxRequestsPerUser: 4, timeoutMs: 10 * 60_000, log: say });
      say(`scale-out: batches per worker before the kill ${JSON.stringify(scale.sharesBeforeKill)}, in all ${JSON.stringify(scale.shares)}; ${scale.killed} killed mid-cycle; ${scale.verdict.present}/${scale.verdict.expected} present, ${scale.verdict.duplicates} duplicates, ${scale.verdict.lost} lost`);
    }
  } finally {
    await env.close();
  }
  const rows = results.map((r) => ({
    scenario: r.scenario,
    runs: r.runs.length,
    converged: r.runs.filter((v) => converged(v, 4)).length,
    duplicates: r.runs.reduce((n, v) => n + v.duplicates, 0),
    lost: r.runs.reduce((n, v) => n + v.lost, 0),
    'max requests/user': Math.max(...r.runs.map((v) => v.requestsPerUser)).toFixed(2),
  }));
  if (scale) rows.push({ scenario: `scale-out: 2 workers, one killed (batches before the kill ${Object.values(scale.sharesBeforeKill).join(' / ')}, in all ${Object.values(scale.shares).join(' / ')})`, runs: 1, converged: converged(scale.verdict, 4) ? 1 : 0, duplicates: scale.verdict.duplicates, lost: scale.verdict.lost, 'max requests/user': scale.verdict.requestsPerUser.toFixed(2) });
  console.table(rows);
  say(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (rows.some((r) => r.converged !== r.runs)) process.exitCode = 1;
}

main()
  .catch((err: Error) => {
    console.error(`[chaos] ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref());
