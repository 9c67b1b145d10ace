/** Concur deletes only users without transaction history (Identity v4.1 documents 400 for DELETE). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConcurSimulator, DEMO_COMPANY_ID, DEMO_TOKEN, type ConcurSimulator } from '../../../simulators/concur';
import { call, CONCUR_ERROR, ID, UPS, userBody } from './sim-client';

let sim: ConcurSimulator;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'sim-history-'));
const stateFile = join(dir, 'users.json');

beforeAll(async () => {
  sim = createConcurSimulator({ companies: [{ id: DEMO_COMPANY_ID }], stateFile });
  ({ url: base } = await sim.listen(0));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('delete refusal', () => {
  it('refuses to delete a user with history (400, Concur error body) on Identity and UPS, keeps the user, deletes one without', async () => {
    const a = (await call(base, 'POST', `${ID}/Users`, { token: DEMO_TOKEN, body: userBody('hist-a') })).body.id as string;
    const b = (await call(base, 'POST', `${ID}/Users`, { token: DEMO_TOKEN, body: userBody('hist-b') })).body.id as string;
    expect((await call(base, 'PUT', `/_sim/users/${a}/history`, { body: { history: true } })).status).toBe(204);
    for (const path of [`${ID}/Users/${a}`, `${UPS}/Users/${a}`]) {
      const refused = await call(base, 'DELETE', path, { token: DEMO_TOKEN });
      expect(refused.status).toBe(400);
      expect(refused.body.schemas).toContain(CONCUR_ERROR);
      expect(refused.body.detail).toMatch(/history/);
    }
    expect((await call(base, 'GET', `${ID}/Users/${a}`, { token: DEMO_TOKEN })).status).toBe(200);
    expect((await call(base, 'DELETE', `${ID}/Users/${b}`, { token: DEMO_TOKEN })).status).toBe(204);
    expect((await call(base, 'GET', `${ID}/Users/${b}`, { token: DEMO_TOKEN })).status).toBe(404);
    expect((await call(base, 'PUT', `/_sim/users/nope/history`, { body: { history: true } })).status).toBe(404);
    expect((await call(base, 'PUT', `/_sim/users/${a}/history`, { body: { history: 'yes' } })).status).toBe(400);
  });

  it('keeps users, history included, across restarts in its state file', async () => {
    await sim.close();
    const again = createConcurSimulator({ companies: [{ id: DEMO_COMPANY_ID }], stateFile });
    const { url } = await again.listen(0);
    try {
      const users = (await call(url, 'GET', '/_sim/users')).body as Array<{ id: string; userName: string }>;
      const a = users.find((u) => u.userName === 'userhist-a@example.org')!;
      expect(a).toBeDefined();
      expect((await call(url, 'DELETE', `${ID}/Users/${a.id}`, { token: DEMO_TOKEN })).status).toBe(400);
    } finally {
      await again.close();
      sim = createConcurSimulator({ companies: [{ id: DEMO_COMPANY_ID }] });
      await sim.listen(0);
    }
  });
});
