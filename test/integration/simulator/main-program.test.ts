import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../scripts/services/service';
import { call, ID, userBody } from './sim-client';

const root = join(__dirname, '../../..');

/** Starts main.ts and resolves with its start-up line (awaits output, never sleeps). */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['simulators/concur/main.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('listening on'));
      if (line) resolve({ child, line });
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('npm run simulator (main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'concur-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from env with faults and state, logs one line, persists and stops cleanly', async () => {
    const port = await freePort();
    const stateFile = join(dir, 'state.json');
    const env = { CONCUR_SIM_PORT: String(port), CONCUR_SIM_STATE_FILE: stateFile, CONCUR_SIM_POISON_USERNAMES: 'user9@example.org=Poisoned' };
    const first = await start(env);
    expect(first.line).toContain(`http://127.0.0.1:${port}`);
    expect(first.line).toContain('outbound-demo-token');
    const base = `http://127.0.0.1:${port}`;
    expect((await call(base, 'POST', `${ID}/Users`, { token: 'outbound-demo-token', body: userBody(1) })).status).toBe(200);
    expect((await call(base, 'POST', `${ID}/Users`, { token: 'outbound-demo-token', body: userBody(9) })).body.detail).toBe('Poisoned');
    expect(await stop(first.child, 'SIGTERM')).toBe(0);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).users).toHaveLength(1);

    const second = await start(env);
    const users = await call(base, 'GET', '/_sim/users');
    expect(users.body.map((u: { userName: string }) => u.userName)).toEqual(['user1@example.org']);
    expect(await stop(second.child, 'SIGINT')).toBe(0);
  });

  it('fails fast with a clear message on bad env', async () => {
    await expect(start({ CONCUR_SIM_PORT: 'eighty' })).rejects.toThrow('CONCUR_SIM_PORT must be');
  });
});
