/** `outbound keys create|list|revoke` on a real (SQLite) state store, without the API. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { withKeyStore } from '../../../src/cli/keys-command';

const dir = mkdtempSync(join(tmpdir(), 'outbound-keys-'));
// SQLite in a private data folder, whatever store the environment names.
const env: NodeJS.ProcessEnv = { ...process.env, OUTBOUND_DATA_DIR: dir };
delete env.OUTBOUND_STATE_PG_URL;
delete env.OUTBOUND_STATE_DB;
delete env.OUTBOUND_SECRET_KEY_FILE;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

it('creates a key shown once, lists keys without secrets, and revokes at once', async () => {
  const created = await cli('--json', 'keys', 'create', '--role', 'operator', '--name', 'ci');
  expect(created.code).toBe(0);
  const { id, token, role } = JSON.parse(created.out) as { id: string; token: string; role: string };
  expect(role).toBe('operator');
  expect(token).toMatch(new RegExp(`^obk_${id}_`));
  expect(await withKeyStore(env, (k) => k.verify(token))).toEqual({ keyId: id, role: 'operator' });

  const listed = await cli('keys', 'list');
  expect(listed.code).toBe(0);
  expect(listed.out).toMatch(new RegExp(`^${id} +ci +operator `, 'm'));
  expect(listed.out).not.toContain(token.split('_')[2]);

  expect((await cli('keys', 'revoke', id)).code).toBe(0);
  expect(await withKeyStore(env, (k) => k.verify(token))).toBeUndefined();
  expect((await cli('keys', 'revoke', 'ffffffffffffffff')).code).toBe(1);
});

it('refuses an unknown role or a missing name as a usage error', async () => {
  expect((await cli('keys', 'create', '--role', 'root', '--name', 'x')).code).toBe(2);
  expect((await cli('keys', 'create', '--role', 'read')).code).toBe(2);
});

it('adopts a deployment\'s bootstrap key once, and refuses one that is not a key', async () => {
  const token = `obk_${'0123456789abcdef'}_${'B'.repeat(43)}`;
  expect(await withKeyStore(env, (k) => k.adopt(token, 'admin', 'bootstrap'))).toEqual({ id: '0123456789abcdef', created: true });
  expect(await withKeyStore(env, (k) => k.adopt(token, 'admin', 'bootstrap'))).toEqual({ id: '0123456789abcdef', created: false });
  expect(await withKeyStore(env, (k) => k.verify(token))).toEqual({ keyId: '0123456789abcdef', role: 'admin' });
  await expect(withKeyStore(env, (k) => k.adopt('not-a-key', 'admin', 'bootstrap'))).rejects.toThrow(/must look like obk_/);
});
