/** A worker's own /metrics: Concur latency and 429s, users by action and outcome, through a real cycle. */
import { request } from 'undici';
import { WorkerMetrics } from '../../../src/worker/worker-metrics';
import { startWorkerMetricsServer } from '../../../src/worker/worker-metrics-server';
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const metrics = new WorkerMetrics({ processMetrics: false });
const h = new EngineHarness();
const CH = `wm-${Date.now().toString(36)}`;
let server: Awaited<ReturnType<typeof startWorkerMetricsServer>>;

beforeAll(async () => {
  await h.start({ runtime: { metrics } });
  server = await startWorkerMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
  for (let i = 1; i <= 12; i++) h.directory.put(person(i));
  await h.configure(CH, { retry: { initialDelaySeconds: 0.5, maxAttempts: 20, breakerProbeSeconds: 0.5 } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await h.stop();
}, 60_000);

const scrape = async () => {
  const res = await request(`${server.url}/metrics`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.body.text();
};
/** The value of one sample, 0 when absent. */
const sample = (text: string, name: string, labels: Record<string, string>) => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.slice(0, l.indexOf('}')).includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
};
const sum = (text: string, name: string, labels: Record<string, string>) => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && want.every((w) => l.slice(0, l.indexOf('}')).includes(w)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
};

it('counts each Concur request with its latency, the 429s, and each user by action and outcome', async () => {
  h.simulator.setFaults({ rateLimitRps: 4, retryAfterSeconds: 0 });
  expect((await h.control.activate(CH)).ok).toBe(true);
  const status = await eventually('first cycle', async () => (await h.control.status(CH)).lastCycle, 120_000);
  h.simulator.setFaults({});
  const text = await scrape();

  const connection = `${CH}-concur`;
  const seen = h.simulator.requests();
  const throttled = seen.filter((r) => r.status === 429).length;
  expect(throttled).toBeGreaterThan(0);
  expect(sample(text, 'outbound_concur_throttled_total', { connection })).toBe(throttled);
  // Every request the simulator answered was one observation of the histogram, 429s apart.
  expect(sum(text, 'outbound_concur_request_duration_seconds_count', { connection })).toBe(seen.length);
  expect(sum(text, 'outbound_concur_request_duration_seconds_count', { connection, status: '429' })).toBe(throttled);
  expect(text).toMatch(/# TYPE outbound_concur_request_duration_seconds histogram/);
  expect(text).toMatch(new RegExp(`outbound_concur_request_duration_seconds_bucket\\{le="0.1",connection="${connection}",operation="[a-zA-Z.]+",status="2xx"\\} \\d+`));

  const created = sample(text, 'outbound_user_actions_total', { channel: CH, action: 'create', outcome: 'succeeded' });
  expect(created).toBe(status.counts.succeeded);
  expect(created + sample(text, 'outbound_user_actions_total', { channel: CH, action: 'create', outcome: 'retrying' })).toBe(12);
  // Names and numbers only: no attribute value, no token.
  expect(text).not.toContain('example.com');
  expect(text).not.toContain('outbound-demo-token');
}, 180_000);

it('answers liveness and nothing else', async () => {
  expect((await request(`${server.url}/healthz`)).statusCode).toBe(200);
  const other = await request(`${server.url}/config`);
  expect(other.statusCode).toBe(404);
  await other.body.dump();
  const post = await request(`${server.url}/metrics`, { method: 'POST' });
  expect(post.statusCode).toBe(405);
  await post.body.dump();
});
