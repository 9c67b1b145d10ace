import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolateEnv, loadConfigFile } from '../../../src/config/config-file';
import { ConfigError } from '../../../src/domain/config/outbound-config';

const dir = mkdtempSync(join(tmpdir(), 'outbound-config-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('configuration files', () => {
  it('loads the shipped demo configuration', () => {
    const config = loadConfigFile(join(__dirname, '../../../config/demo.json'), { OUTBOUND_LDAP_PORT: '3999' });
    expect(config.channels[0].id).toBe('demo');
    expect(config.datastores[0]).toMatchObject({ type: 'ldap', urls: ['ldap://127.0.0.1:3999'] });
  });

  it('interpolates ${VAR} and ${VAR:-default}', () => {
    expect(interpolateEnv({ a: ['x${A}y', '${B:-dflt}'] }, { A: '1' })).toEqual({ a: ['x1y', 'dflt'] });
  });

  it('refuses an invalid configuration with every problem and where it is', () => {
    const file = write('bad.json', {
      datastores: [{ id: 'ds', type: 'ldap', urls: ['http://nope'], bindDn: 'cn=x', bindPassword: 'env:P' }],
      connections: [],
      channels: [{ id: 'c1', connectionId: 'missing', datastoreId: 'ds', source: { kind: 'ldap' }, mapping: {} }],
    });
    let error: ConfigError | undefined;
    try {
      loadConfigFile(file, {});
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = error!.issues.map((i) => i.path);
    expect(paths).toContain('datastores[0].urls[0]');
    expect(error!.message).toContain('datastores[0].urls[0]');
  });

  it('names cross-reference errors', () => {
    const file = write('xref.json', {
      datastores: [{ id: 'ds', type: 'ldap', urls: ['ldap://h'], bindDn: 'cn=x', bindPassword: 'env:P' }],
      connections: [],
      channels: [{ id: 'c1', connectionId: 'missing', datastoreId: 'ds', source: { kind: 'ldap' }, mapping: {} }],
    });
    expect(() => loadConfigFile(file, {})).toThrow(/channels\[0\]\.connectionId: no connection with id "missing"/);
  });

  it('says which environment variable is missing', () => {
    const file = write('env.json', { datastores: [{ id: 'ds', type: 'ldap', urls: ['ldap://${NOPE_HOST}'], bindDn: 'cn=x', bindPassword: 'env:P' }] });
    expect(() => loadConfigFile(file, {})).toThrow(/datastores\[0\]\.urls\[0\].*NOPE_HOST/);
  });

  it('reports malformed JSON', () => {
    expect(() => loadConfigFile(write('broken.json', '{ nope'), {})).toThrow(/cannot read JSON/);
  });
});
