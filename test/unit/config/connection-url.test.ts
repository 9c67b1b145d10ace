import { ConfigError, parseOutboundConfig } from '../../../src/domain/config/outbound-config';

const parse = (connection: Record<string, unknown>) =>
  parseOutboundConfig({ connections: [{ id: 'c', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'x' }, ...connection }] }, 'test');
const issue = (connection: Record<string, unknown>) => {
  try {
    parse(connection);
    return undefined;
  } catch (err) {
    return (err as ConfigError).issues;
  }
};

it('accepts https, and http on a loopback host only with allowInsecureHttp', () => {
  expect(issue({ baseUrl: 'https://us2.api.concursolutions.com' })).toBeUndefined();
  expect(issue({ baseUrl: 'http://127.0.0.1:8090', allowInsecureHttp: true })).toBeUndefined();
  expect(issue({ baseUrl: 'http://localhost:8090', allowInsecureHttp: true })).toBeUndefined();
});

it.each([
  [{ baseUrl: 'http://127.0.0.1:8090' }, /allowInsecureHttp/],
  [{ baseUrl: 'http://attacker.example', allowInsecureHttp: true }, /only on a loopback host/],
  [{ baseUrl: 'http://127.0.0.1.attacker.example', allowInsecureHttp: true }, /only on a loopback host/],
  [{ baseUrl: 'file:///etc/passwd' }, /must be https/],
  [{ baseUrl: 'ftp://x.example' }, /must be https/],
])('refuses %j', (connection, message) => {
  expect(issue(connection)).toEqual([{ path: 'connections[0].baseUrl', message: expect.stringMatching(message) }]);
});
