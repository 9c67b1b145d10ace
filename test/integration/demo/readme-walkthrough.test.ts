/**
 * The README's curl walkthrough, run as written (the block between its walkthrough:curl markers)
 * against the real API, worker, slapd and Concur simulator: the documented steps cannot rot.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EngineHarness, DEMO_TOKEN } from '../../support/engine-harness';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { startApi } from '../../support/api-client';
import { createRuntimeDeps } from '../../../src/app/runtime';

const root = join(__dirname, '..', '..', '..');
const h = new EngineHarness();
let ldap: TestLdap;
let app: FastifyInstance;
let baseUrl: string;
let adminKey: string;

/** The fenced block between `<!-- walkthrough:NAME -->` and `<!-- /walkthrough:NAME -->`. */
export function readmeBlock(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- walkthrough:${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /walkthrough:${name} -->`).exec(readme);
  if (!m) throw new Error(`README.md has no ${name} walkthrough block`);
  return m[1];
}

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-eu', '-c', script], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  ldap = await ensureLdap();
  // What `npm run up` gives the worker: the references in the walkthrough resolve to these.
  process.env.OUTBOUND_LDAP_BIND_PASSWORD = ldap.bindPassword;
  process.env.CONCUR_ACCESS_TOKEN = DEMO_TOKEN;
  await h.start({ realSources: true });
  ({ app, baseUrl, adminKey } = await startApi({ client: h.client, store: h.store, taskQueue: h.taskQueue, openTarget: createRuntimeDeps(h.store).openTarget }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
  await ldap?.stop();
}, 60_000);

it('takes a new user from nothing to a provisioning channel with curl, as the README says', async () => {
  expect(ldap.bindDn).toBe(`cn=admin,${ldap.baseDn}`); // the walkthrough binds as the directory's admin
  const run = await sh(readmeBlock('curl'), {
    API: `${baseUrl}/api/v1`,
    OUTBOUND_API_KEY: adminKey,
    LDAP_URL: ldap.url,
    BASE_DN: ldap.baseDn,
    CONCUR_URL: h.simulator.url,
  });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '', ...(run.code || run.stderr ? { stdout: run.stdout } : {}) });
  const lines = run.stdout.trim().split('\n');
  // Each step answered as documented.
  expect(lines).toContain('{"entityId":"https://www.concursolutions.com","connectionType":{"outboundProvisioning":true,"browserSso":false}}');
  expect(lines).toContain(`{"baseUrl":"${h.simulator.url}"}`);
  expect(lines).toContain('{"ok":true}');
  // The drafts' missing lists shrink step by step, and the target is what is left when coming back.
  const missing = lines.filter((l) => l.startsWith('{"info":')).map((l) => (JSON.parse(l) as { review: number }).review);
  expect(missing.length).toBe(5);
  expect([...missing].sort((a, b) => b - a)).toEqual(missing);
  expect(missing[4]).toBeGreaterThan(0);
  expect(lines).toContain('[{"pointer":"/connectionId","message":"Invalid input: expected string, received undefined"}]');
  expect(lines).toContain('{"id":"my-channel","active":false}');
  expect(lines.find((l) => l.startsWith('{"ok":true,"checks":'))).toBeDefined();
  expect(lines).toContain('first cycle: succeeded');

  // And the channel really provisioned the directory's enabled people into Concur.
  const status = await h.control.status('my-channel');
  expect(status.lastCycle).toMatchObject({ outcome: 'succeeded' });
  expect(status.lastCycle!.counts.succeeded).toBeGreaterThan(100);
  expect(h.simulator.users().length).toBe(status.lastCycle!.counts.succeeded);
  expect(await h.store.getChannelDraft('my-channel')).toBeUndefined();
}, 240_000);

it('takes the same steps with the CLI only, as the README says; its users link to the accounts made, none twice', async () => {
  const before = h.simulator.users().length;
  const run = await sh(readmeBlock('cli'), { OUTBOUND_API_URL: baseUrl, OUTBOUND_API_KEY: adminKey, LDAP_URL: ldap.url, BASE_DN: ldap.baseDn, CONCUR_URL: h.simulator.url });
  expect({ code: run.code, ...(run.code ? { stdout: run.stdout, stderr: run.stderr } : {}) }).toEqual({ code: 0 });
  const out = run.stdout;
  expect(out).toMatch(/cli-concur\s+https:\/\/www\.concursolutions\.com\s+true\s+false/); // metadata imported
  expect(out).toMatch(/target-credentials\s+true/);
  expect(out).toMatch(/target\s+\/connectionId/); // coming back: the target is what is missing
  expect(out).toContain('channel cli-channel saved');
  expect(out).toMatch(/cycle \d+ \(\w+\): succeeded/);
  expect(await h.store.getChannelDraft('cli-channel')).toBeUndefined();
  expect((await h.store.countUsers('cli-channel')).active).toBeGreaterThan(100);
  expect(h.simulator.users().length).toBe(before);
  await h.control.deactivate('cli-channel');
  await h.control.deactivate('my-channel');
}, 300_000);
