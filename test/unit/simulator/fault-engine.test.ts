import { FaultEngine, seededRandom } from '../../../simulators/concur/fault-engine';
import { parseFaultOptions, faultsFromEnv } from '../../../simulators/concur/fault-options-parse';

describe('fault engine', () => {
  it('is deterministic with a seed', () => {
    const run = () => {
      const f = new FaultEngine();
      f.set({ errorRate: 0.3, seed: 42 });
      return Array.from({ length: 200 }, () => f.decide('/x').kind);
    };
    const a = run();
    expect(a).toEqual(run());
    const errors = a.filter((k) => k === 'error').length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('throttles above N requests in a one-second window', () => {
    let now = 10_000;
    const f = new FaultEngine(() => now);
    f.set({ rateLimitRps: 2 });
    expect([f.decide('/a').kind, f.decide('/a').kind, f.decide('/a').kind]).toEqual(['none', 'none', 'throttle']);
    now += 1000;
    expect(f.decide('/a').kind).toBe('none');
  });

  it('counts down one-shot resets and timeouts and honours path prefixes', () => {
    const f = new FaultEngine();
    f.set({ resetNext: 1, timeoutNext: 1, pathPrefixes: ['/profile/'] });
    expect(f.decide('/oauth2/v0/token').kind).toBe('none');
    expect(f.decide('/profile/v4/Users').kind).toBe('reset');
    expect(f.decide('/profile/v4/Users').kind).toBe('timeout');
    expect(f.decide('/profile/v4/Users').kind).toBe('none');
  });

  it('draws lost answers and latency spikes at their rates, and parses them', () => {
    const f = new FaultEngine();
    f.set({ lostResponseRate: 1, spikeRate: 1, spikeMs: 500, latencyMs: 10 });
    expect(f.decide('/x')).toEqual({ kind: 'none', delayMs: 510, lose: true });
    f.set({ lostResponseRate: 0.2, seed: 3 });
    const lost = Array.from({ length: 500 }, () => f.decide('/x')).filter((d) => d.kind === 'none' && d.lose).length;
    expect(lost).toBeGreaterThan(60);
    expect(lost).toBeLessThan(140);
    expect(parseFaultOptions({ lostResponseRate: 0.02, spikeRate: 0.01, spikeMs: 3000 })).toEqual({ lostResponseRate: 0.02, spikeRate: 0.01, spikeMs: 3000 });
    expect(() => parseFaultOptions({ lostResponseRate: 2 })).toThrow(/lostResponseRate/);
    f.set({ throttleRate: 1, retryAfterSeconds: 1 });
    expect(f.decide('/x')).toEqual({ kind: 'throttle', delayMs: 0, retryAfterSeconds: 1 });
    expect(faultsFromEnv({ CONCUR_SIM_LOST_RESPONSE_RATE: '0.02', CONCUR_SIM_SPIKE_RATE: '0.05' })).toEqual({ lostResponseRate: 0.02, spikeRate: 0.05 });
  });

  it('finds poisoned userNames case-insensitively', () => {
    const f = new FaultEngine();
    f.set({ poison: { 'Bad@Example.org': { message: 'nope' } } });
    expect(f.poisonFor('bad@example.org')).toEqual({ message: 'nope' });
    expect(f.poisonFor('good@example.org')).toBeUndefined();
  });

  it('parses options from JSON and the environment, rejecting nonsense', () => {
    expect(parseFaultOptions({ errorRate: 0.5, poison: { 'a@b.c': 'msg' } })).toEqual({ errorRate: 0.5, poison: { 'a@b.c': { message: 'msg' } } });
    expect(() => parseFaultOptions({ errorRate: 2 })).toThrow('between 0 and 1');
    expect(() => parseFaultOptions({ latencyMs: 'slow' })).toThrow('non-negative');
    expect(faultsFromEnv({ CONCUR_SIM_LATENCY_MS: '5', CONCUR_SIM_POISON_USERNAMES: 'a@b.c,d@e.f=Broken record' })).toEqual({
      latencyMs: 5,
      poison: { 'a@b.c': { message: 'Simulated permanent failure for a@b.c' }, 'd@e.f': { message: 'Broken record' } },
    });
  });
});
