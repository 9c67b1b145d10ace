import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretPolicyFromEnv, secretReferenceIssues, type SecretPolicy } from '../../../src/config/secret-policy';
import { parseOutboundConfig } from '../../../src/domain/config/outbound-config';
import type { ConnectionConfig } from '../../../src/domain/config/connection-config';

const root = mkdtempSync(join(tmpdir(), 'secret-policy-'));
const secretsDir = join(root, 'secrets');
mkdirSync(secretsDir);
writeFileSync(join(secretsDir, 'token'), 't');
writeFileSync(join(root, 'outside'), 'o');
symlinkSync(join(root, 'outside'), join(secretsDir, 'escape'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const policy: SecretPolicy = { envPrefixes: ['OUTBOUND_SECRET_'], envNames: ['CONCUR_ACCESS_TOKEN'], secretsDir };
const stored = (connections: ConnectionConfig[] = []) => ({
  getDatastore: async () => undefined,
  getConnection: async (id: string) => connections.find((c) => c.id === id),
});
const withToken = (accessToken: string, id = 'c1') =>
  parseOutboundConfig({ connections: [{ id, baseUrl: 'https://us2.api.concursolutions.com', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken } }] }, 'test');

it.each([
  ['env:OUTBOUND_SECRET_CONCUR', undefined],
  ['env:CONCUR_ACCESS_TOKEN', undefined],
  [`file:${join(secretsDir, 'token')}`, undefined],
  ['a literal token', undefined],
  ['env:HOME', /env:HOME is not allowed.*OUTBOUND_SECRET_/],
  ['env:OUTBOUND_SECRET_KEY_FILE x', /must name an environment variable/],
  ['file:/etc/passwd', /inside the secrets directory/],
  [`file:${secretsDir}/../outside`, /inside the secrets directory/],
  [`file:${join(secretsDir, 'escape')}`, /inside the secrets directory/],
  ['file:secrets/token', /absolute path/],
  ['vault:someone-elses-id', /vault: references may only keep/],
])('%s', async (ref, expected) => {
  const issues = await secretReferenceIssues(withToken(ref), policy, stored());
  if (!expected) expect(issues).toEqual([]);
  else expect(issues).toEqual([{ path: 'connections[0].auth.accessToken', message: expect.stringMatching(expected) }]);
});

it('lets an object keep its own vault id in the same field, and nothing else', async () => {
  const mine = withToken('vault:abc').connections[0];
  expect(await secretReferenceIssues(withToken('vault:abc'), policy, stored([mine]))).toEqual([]);
  // Another connection cannot borrow it, even with the same field name.
  expect(await secretReferenceIssues(withToken('vault:abc', 'c2'), policy, stored([mine]))).toHaveLength(1);
});

it('defaults to the OUTBOUND_SECRET_ prefix, the demo variables and <data>/secrets', () => {
  expect(secretPolicyFromEnv({}, '/data')).toEqual({ envPrefixes: ['OUTBOUND_SECRET_'], envNames: ['OUTBOUND_LDAP_BIND_PASSWORD', 'CONCUR_ACCESS_TOKEN'], secretsDir: '/data/secrets' });
});
