/**
 * The short version of `npm run chaos`: every fault scenario once over a few hundred users, and
 * the two-worker scale-out with one worker killed. Own servers (they are stopped and restarted),
 * state store on PostgreSQL, workers as separate processes.
 */
import { startChaosEnv, type ChaosEnv } from '../../../bench/chaos/chaos-env';
import { converged, runScaleOut, runScenario, SCENARIOS, type Verdict } from '../../../bench/chaos/chaos-scenarios';

jest.setTimeout(10 * 60_000);

let env: ChaosEnv;
const options = { users: 300, runs: 1, maxRequestsPerUser: 4, timeoutMs: 3 * 60_000, log: () => undefined };

beforeAll(async () => {
  env = await startChaosEnv({ people: 600, tokenTtlSeconds: 2 });
});
afterAll(() => env?.close());

const clean = (v: Verdict) => ({ expected: v.expected, present: v.present, duplicates: v.duplicates, lost: v.lost, failedCheck: v.failedCheck });

describe('fault injection', () => {
  it.each(Object.keys(SCENARIOS))('%s: the simulator ends with exactly the source users, no duplicate, no lost update, bounded retries', async (name) => {
    const { runs } = await runScenario(env, name, options);
    const [v] = runs;
    expect(clean(v)).toEqual({ expected: 300, present: 300, duplicates: 0, lost: 0, failedCheck: undefined });
    expect(converged(v, options.maxRequestsPerUser)).toBe(true);
  });

  it('scale-out: two workers share a sync; one killed mid-cycle, the other finishes it', async () => {
    const { verdict, shares } = await runScaleOut(env, { ...options, users: 600 });
    expect(clean(verdict)).toEqual({ expected: 600, present: 600, duplicates: 0, lost: 0, failedCheck: undefined });
    // Every batch ran somewhere (3 batches of 250 at most, plus re-runs after the kill).
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
  });
});
