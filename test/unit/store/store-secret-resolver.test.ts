import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretNotFoundError, SecretRefusedError, SecretResolutionError } from '../../../src/store/secret-errors';
import { createSecretResolver } from '../../../src/store/store-secret-resolver';

describe('createSecretResolver', () => {
  const vault = {
    async readSecret(id: string): Promise<string> {
      if (id === 'abc') return 'from-vault';
      throw new SecretNotFoundError(id);
    },
  };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbound-resolver-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads env:NAME', async () => {
    const resolver = createSecretResolver(vault, { LDAP_PW: 'pw1' });
    await expect(resolver.resolve('env:LDAP_PW')).resolves.toBe('pw1');
  });

  it('names the unset variable', async () => {
    const resolver = createSecretResolver(vault, {});
    await expect(resolver.resolve('env:MISSING_VAR')).rejects.toThrow(SecretResolutionError);
    await expect(resolver.resolve('env:MISSING_VAR')).rejects.toThrow(/MISSING_VAR is not set/);
  });

  it('reads file:/path trimmed', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, '  tok-123\n');
    await expect(createSecretResolver(vault, {}).resolve(`file:${file}`)).resolves.toBe('tok-123');
  });

  it('names a missing or empty file without its content', async () => {
    const resolver = createSecretResolver(vault, {});
    await expect(resolver.resolve(`file:${join(dir, 'nope')}`)).rejects.toThrow(/cannot read secret file .*nope \(ENOENT\)/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    await expect(resolver.resolve(`file:${empty}`)).rejects.toThrow(/is empty/);
  });

  it('reads vault:<id> through the store and passes its errors on', async () => {
    const resolver = createSecretResolver(vault, {});
    await expect(resolver.resolve('vault:abc')).resolves.toBe('from-vault');
    await expect(resolver.resolve('vault:zzz')).rejects.toThrow(SecretNotFoundError);
  });

  it('returns a literal unchanged', async () => {
    await expect(createSecretResolver(vault, {}).resolve('plain-literal')).resolves.toBe('plain-literal');
  });
});

describe('createSecretResolver with a policy (runtime confinement)', () => {
  const policy = { envPrefixes: ['OUTBOUND_SECRET_'], envNames: ['DEMO_TOKEN'], secretsDir: '/run/outbound-secrets' };
  const owners: Record<string, string> = { mine: 'connection:a', theirs: 'connection:b' };
  const vault = { readSecret: async (id: string) => `value-of-${id}`, secretOwner: async (id: string) => owners[id] };
  const env = { OUTBOUND_SECRET_X: 'x-value', DEMO_TOKEN: 'demo', HOME: '/home/someone' };
  const use = { owner: 'connection:a', field: 'auth.accessToken' };
  const resolver = createSecretResolver(vault, env, policy);

  it('resolves what the policy allows', async () => {
    await expect(resolver.resolve('env:OUTBOUND_SECRET_X', use)).resolves.toBe('x-value');
    await expect(resolver.resolve('env:DEMO_TOKEN', use)).resolves.toBe('demo');
    await expect(resolver.resolve('vault:mine', use)).resolves.toBe('value-of-mine');
  });

  it('refuses the rest with a typed error naming the field, never the value', async () => {
    for (const ref of ['env:HOME', 'file:/etc/passwd', 'file:/run/outbound-secrets/../x', 'vault:theirs']) {
      const err = (await resolver.resolve(ref, use).catch((e: unknown) => e)) as SecretRefusedError;
      expect(err).toBeInstanceOf(SecretRefusedError);
      expect(err.field).toBe('connection:a auth.accessToken');
      expect(err.message).toMatch(/^connection:a auth\.accessToken: /);
      expect(err.message).not.toMatch(/\/home\/someone|value-of/);
    }
  });
});
