/**
 * Every duration in the configuration is bounded below what Node's timers and Temporal honour:
 * 3e9 ms would fire at once (Node clamps delays above 2^31-1 ms to 1 ms) and 9e15 s wedges a
 * workflow timer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interpolateEnv } from '../../../src/config/config-file';
import { NODE_TIMER_MAX_MS } from '../../../src/domain/config/duration-limits';
import { ConfigError, parseOutboundConfig } from '../../../src/domain/config/outbound-config';

const demo = () => interpolateEnv(JSON.parse(readFileSync(join(__dirname, '../../../config/demo.json'), 'utf8')), {}) as Record<string, Array<Record<string, unknown>>>;

/** Every duration setting: where it is, its unit in ms, and its bound. */
const DURATIONS: Array<{ path: string; unitMs: number; set: (c: ReturnType<typeof demo>, v: number) => void }> = [
  { path: 'channels[0].timeoutMs', unitMs: 1, set: (c, v) => (c.channels[0].timeoutMs = v) },
  { path: 'channels[0].intervalSeconds', unitMs: 1000, set: (c, v) => (c.channels[0].intervalSeconds = v) },
  { path: 'channels[0].retry.initialDelaySeconds', unitMs: 1000, set: (c, v) => (c.channels[0].retry = { initialDelaySeconds: v }) },
  { path: 'channels[0].retry.breakerProbeSeconds', unitMs: 1000, set: (c, v) => (c.channels[0].retry = { breakerProbeSeconds: v }) },
  { path: 'connections[0].timeoutMs', unitMs: 1, set: (c, v) => (c.connections[0].timeoutMs = v) },
  { path: 'datastores[0].connectTimeoutMs', unitMs: 1, set: (c, v) => (c.datastores[0].connectTimeoutMs = v) },
  { path: 'datastores[0].timeoutMs', unitMs: 1, set: (c, v) => (c.datastores[0].timeoutMs = v) },
];

function issuesFor(path: string, value: number, set: (c: ReturnType<typeof demo>, v: number) => void): string[] {
  const config = demo();
  set(config, value);
  try {
    parseOutboundConfig(config, 'test');
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.filter((i) => i.path === path).map((i) => i.message);
  }
}

test.each(DURATIONS)('$path: 3e9 ms and 9e15 s are refused, naming the field', ({ path, unitMs, set }) => {
  expect(issuesFor(path, 3e9 / unitMs, set)).toEqual([expect.stringMatching(/^at most \d+/)]);
  expect(issuesFor(path, 9e15, set)).toEqual([expect.stringMatching(/^at most \d+/)]);
});

test.each(DURATIONS)('$path: its largest accepted value is a delay Node timers honour', ({ path, unitMs, set }) => {
  // Find the bound from the schema's own message, then check it is accepted and fits a timer.
  const [message] = issuesFor(path, 9e15, set);
  const max = Number(/at most (\d+)/.exec(message)![1]);
  expect(issuesFor(path, max, set)).toEqual([]);
  expect(issuesFor(path, max + 1, set)).toHaveLength(1);
  expect(max * unitMs).toBeLessThanOrEqual(NODE_TIMER_MAX_MS);
});

test('a delay at the Node bound really waits (above it Node fires at once, with a TimeoutOverflowWarning)', async () => {
  const early = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(true), ms);
      setTimeout(() => {
        clearTimeout(t);
        resolve(false);
      }, 50);
    });
  expect(await early(NODE_TIMER_MAX_MS)).toBe(false);
});
