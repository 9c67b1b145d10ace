import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateStore } from '../../../src/store/open-state-store';
import { StateStoreOpenError } from '../../../src/store/store-errors';
import { SecretKeyError } from '../../../src/store/secret-errors';
import { describeStateStoreContract } from './state-store-contract';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describeStateStoreContract('SQLite', async () => {
  const filename = join(tempDir(), 'data', 'outbound.db');
  return {
    open: (secrets) => openStateStore({ client: 'better-sqlite3', filename }, { env: {}, ...secrets }),
    cleanup: async () => undefined,
  };
});

describe('SQLite state store file', () => {
  it('creates parent folders, a 0600 key file beside the database, and sets the pragmas', async () => {
    const dir = tempDir();
    const filename = join(dir, 'a', 'b', 'outbound.db');
    const store = await openStateStore({ client: 'better-sqlite3', filename }, { env: {} });
    try {
      expect(statSync(filename).isFile()).toBe(true);
      expect(statSync(join(dir, 'a', 'b', 'secret.key')).mode & 0o777).toBe(0o600);
      const pragma = async (name: string) => Object.values(((await store.db.raw(`PRAGMA ${name}`)) as Array<Record<string, unknown>>)[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(10_000);
      await store.putDatastore({ id: 'd', type: 'sql', client: 'pg', password: 'pw', ssl: false, pageSize: 10 });
    } finally {
      await store.close();
    }
    // Reopened with the generated key file, the vault still opens.
    const again = await openStateStore({ client: 'better-sqlite3', filename }, { env: {} });
    try {
      const ds = (await again.getDatastore('d')) as { password: string };
      await expect(again.readSecret(ds.password.slice('vault:'.length))).resolves.toBe('pw');
    } finally {
      await again.close();
    }
  });

  it('fails on a bad key before touching the database', async () => {
    const dir = tempDir();
    await expect(openStateStore({ client: 'better-sqlite3', filename: join(dir, 'x.db') }, { env: { OUTBOUND_SECRET_KEY: 'dG9vIHNob3J0' } })).rejects.toThrow(SecretKeyError);
    expect(() => statSync(join(dir, 'x.db'))).toThrow();
  });

  it('wraps an unopenable database in StateStoreOpenError', async () => {
    const dir = tempDir();
    await expect(openStateStore({ client: 'better-sqlite3', filename: dir }, { env: {}, keyFile: join(dir, 'k') })).rejects.toThrow(StateStoreOpenError);
  });

  it('lets two processes-worth of stores open one file at once', async () => {
    const filename = join(tempDir(), 'shared.db');
    const [a, b] = await Promise.all([0, 1].map(() => openStateStore({ client: 'better-sqlite3', filename }, { env: {} })));
    try {
      await a.putChannelDraft('x', { from: 'a' });
      expect(await b.getChannelDraft('x')).toEqual({ from: 'a' });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
