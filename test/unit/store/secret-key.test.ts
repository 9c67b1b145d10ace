import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretKeyError } from '../../../src/store/secret-errors';
import { loadSecretKey } from '../../../src/store/secret-key';

describe('loadSecretKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbound-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes OUTBOUND_SECRET_KEY (base64 of 32 bytes) before the key file', () => {
    const key = randomBytes(32);
    const got = loadSecretKey({ env: { OUTBOUND_SECRET_KEY: key.toString('base64') }, keyFile: join(dir, 'secret.key') });
    expect(got.equals(key)).toBe(true);
    expect(() => statSync(join(dir, 'secret.key'))).toThrow();
  });

  it('rejects an env key of the wrong size or not base64, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadSecretKey({ env: { OUTBOUND_SECRET_KEY: short } })).toThrow(/32 bytes/);
    expect(() => loadSecretKey({ env: { OUTBOUND_SECRET_KEY: short } })).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
    expect(() => loadSecretKey({ env: { OUTBOUND_SECRET_KEY: 'not base64!' } })).toThrow(SecretKeyError);
  });

  it('creates a 0600 key file in a new folder and reads the same key back', () => {
    const file = join(dir, 'nested', 'secret.key');
    const first = loadSecretKey({ env: {}, keyFile: file });
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ env: {}, keyFile: file }).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
  });

  it('refuses a key file readable by group or others, naming the fix', () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, randomBytes(32).toString('base64'));
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(file, mode);
      expect(() => loadSecretKey({ env: {}, keyFile: file })).toThrow(SecretKeyError);
      expect(() => loadSecretKey({ env: {}, keyFile: file })).toThrow(`chmod 600 ${file}`);
    }
    chmodSync(file, 0o600);
    expect(loadSecretKey({ env: {}, keyFile: file })).toHaveLength(32);
  });

  it('rejects a key file with the wrong content', () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, 'short', { mode: 0o600 });
    expect(() => loadSecretKey({ env: {}, keyFile: file })).toThrow(/32 bytes/);
  });

  it('prefers an explicit key and says what to do without any key source', () => {
    const key = randomBytes(32);
    expect(loadSecretKey({ key, env: { OUTBOUND_SECRET_KEY: randomBytes(32).toString('base64') } }).equals(key)).toBe(true);
    expect(() => loadSecretKey({ env: {} })).toThrow(/OUTBOUND_SECRET_KEY/);
  });
});
