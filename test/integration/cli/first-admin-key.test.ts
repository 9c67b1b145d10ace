/** `npm run up`'s first admin key: created once, in a file only its user can read, then reused. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFirstAdminKey } from '../../../scripts/first-admin-key';
import { withKeyStore } from '../../../src/cli/keys-command';

const dir = mkdtempSync(join(tmpdir(), 'outbound-up-key-'));
const env: NodeJS.ProcessEnv = { ...process.env, OUTBOUND_DATA_DIR: dir };
delete env.OUTBOUND_STATE_PG_URL;
delete env.OUTBOUND_STATE_DB;
delete env.OUTBOUND_SECRET_KEY_FILE;
delete env.OUTBOUND_API_KEY_FILE;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('creates an admin key in a 0600 file in the data folder, then reuses it', async () => {
  const first = await ensureFirstAdminKey(env);
  expect(first.created).toBe(true);
  expect(first.file).toBe(join(dir, 'admin-api-key'));
  expect(statSync(first.file).mode & 0o777).toBe(0o600);
  expect(await withKeyStore(env, (k) => k.verify(first.token))).toMatchObject({ role: 'admin' });

  const again = await ensureFirstAdminKey(env);
  expect(again).toEqual({ ...first, created: false });
  expect(await withKeyStore(env, (k) => k.list())).toHaveLength(1);
});

it('replaces a key file whose key was revoked or is not a key', async () => {
  const { token } = await ensureFirstAdminKey(env);
  await withKeyStore(env, (k) => k.revoke(token.split('_')[1]));
  const replaced = await ensureFirstAdminKey(env);
  expect(replaced.created).toBe(true);
  expect(replaced.token).not.toBe(token);
  writeFileSync(replaced.file, 'garbage', { mode: 0o644 });
  const again = await ensureFirstAdminKey(env);
  expect(again.created).toBe(true);
  expect(statSync(again.file).mode & 0o777).toBe(0o600);
});
