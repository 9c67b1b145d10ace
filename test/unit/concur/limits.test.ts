import { AdaptiveRateLimiter } from '../../../src/targets/concur/adaptive-rate-limiter';
import { ConcurrencyLimiter } from '../../../src/targets/concur/concurrency-limiter';
import { backoffDelay, parseRetryAfter, retryDelay, DEFAULT_RETRY, MAX_RETRY_AFTER_MS, MAX_THROTTLE_BLOCK_MS } from '../../../src/targets/concur/retry-policy';

describe('retry policy', () => {
  test('exponential with equal jitter, capped', () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 0)).toBe(200);
    expect(backoffDelay(10, opts, () => 1)).toBe(1000);
  });

  test('Retry-After 0 is a value (backoff still applies); N seconds is a floor', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('99999999')).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Wed, 21 Oct 2099 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(MAX_RETRY_AFTER_MS);
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100 };
    expect(retryDelay(1, 0, opts, () => 0)).toBe(50);
    expect(retryDelay(1, 7000, opts, () => 0)).toBe(7000);
  });
});

describe('adaptive rate limiter', () => {
  test('paces at the rate, halves on 429 (blocking for Retry-After), recovers gradually', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new AdaptiveRateLimiter({ maxRps: 10, now: () => now, sleep: async (ms) => void waits.push(ms) });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(waits).toEqual([100, 200]);
    limiter.onThrottle(2000);
    expect(limiter.rate).toBe(5);
    now = 600;
    limiter.onThrottle(); // within a second of the last halving: the same signal
    expect(limiter.rate).toBe(5);
    now = 1000;
    waits.length = 0;
    await limiter.acquire();
    // Blocked until t=2000 by Retry-After.
    expect(waits).toEqual([1000]);
    now = 2500;
    limiter.onThrottle();
    expect(limiter.rate).toBe(2.5);
    for (let i = 0; i < 10; i++) limiter.onSuccess();
    expect(limiter.rate).toBeCloseTo(4.5);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    expect(limiter.rate).toBe(10);
    for (let i = 0; i < 20; i++) {
      now += 1000;
      limiter.onThrottle();
    }
    expect(limiter.rate).toBe(0.5);
  });
});

test('adaptive rate limiter: a huge Retry-After holds callers back MAX_THROTTLE_BLOCK_MS at most', async () => {
  const waits: number[] = [];
  const limiter = new AdaptiveRateLimiter({ maxRps: 1e6, now: () => 0, sleep: async (ms) => void waits.push(ms) });
  limiter.onThrottle(MAX_RETRY_AFTER_MS);
  await limiter.acquire();
  expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_THROTTLE_BLOCK_MS + 1);
});

describe('concurrency limiter', () => {
  test('never more than the limit in flight, all tasks complete in order of arrival', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let peak = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 8 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        return i;
      }),
    );
    // Release tasks one at a time as they start.
    while (gates.length < 8) {
      await new Promise((r) => setImmediate(r));
      gates.forEach((g) => g());
    }
    gates.forEach((g) => g());
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(limiter.inFlight).toBe(0);
  });
});
