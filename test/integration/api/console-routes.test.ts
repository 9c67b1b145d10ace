/** /ui serves the built console (public), falls back to index.html for its routes, and never leaves web/dist. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsoleRoutes } from '../../../src/api/console-routes';

const dir = mkdtempSync(join(tmpdir(), 'outbound-console-'));
const dist = join(dir, 'dist');
let app: FastifyInstance;
let base: string;
const marker = randomBytes(8).toString('hex');

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), marker); // beside dist, must stay unreachable
  app = Fastify();
  registerConsoleRoutes(app, dist);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console routes', () => {
  it('serves index.html, hashed assets as immutable, and index.html for unknown console paths', async () => {
    const index = await fetch(`${base}/ui/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${base}/ui/assets/index-abc.js`);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect(await (await fetch(`${base}/ui/channels/demo`)).text()).toContain('id="app"');
    expect((await fetch(`${base}/ui`, { redirect: 'manual' })).headers.get('location')).toBe('/ui/');
  });

  it('never serves a file outside the build folder', async () => {
    for (const path of ['/ui/../secret.txt', '/ui/%2e%2e/secret.txt', '/ui/..%2fsecret.txt', '/ui/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await fetch(`${base}${path}`);
      expect(await res.text()).not.toContain(marker);
    }
  });
});
