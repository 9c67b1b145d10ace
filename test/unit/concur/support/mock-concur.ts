/**
 * undici MockAgent scripted per test, with every request recorded (method, origin, path, parsed
 * body, headers) so tests can assert on it and validate it against the OpenAPI contract.
 */
import { MockAgent, type Dispatcher } from 'undici';
import type { ConnectionConfig } from '../../../../src/domain/config/connection-config';
import type { DesiredConcurUser } from '../../../../src/domain/concur-user';
import type { SecretResolver } from '../../../../src/domain/secrets';

export const ORIGIN = 'https://us2.api.concursolutions.com';
export const COMPANY_ID = '11111111-2222-3333-4444-555555555555';
export const USER_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

export interface Recorded {
  method: string;
  origin: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers: Record<string, string>;
}

export interface MockConcur {
  agent: MockAgent;
  dispatcher: Dispatcher;
  requests: Recorded[];
  pool(origin?: string): ReturnType<MockAgent['get']>;
  close(): Promise<void>;
}

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  else if (headers && typeof headers === 'object') for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}

export function mockConcur(): MockConcur {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: Recorded[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    const raw = typeof opts.body === 'string' ? opts.body : undefined;
    let body: unknown;
    if (raw !== undefined) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    requests.push({ method: opts.method, origin: String(opts.origin), path: opts.path, body, rawBody: raw, headers: headerRecord(opts.headers) });
    return dispatch(opts, handler);
  });
  return { agent, dispatcher, requests, pool: (origin = ORIGIN) => agent.get(origin), close: () => agent.close() };
}

export const json = { 'content-type': 'application/json' };

export function staticConnection(overrides: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return {
    id: 'concur-test',
    template: 'concur',
    baseUrl: ORIGIN,
    companyId: COMPANY_ID,
    auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:CONCUR_TOKEN' },
    requiredFields: [],
    timeoutMs: 2000,
    maxConnections: 4,
    ...overrides,
  };
}

export const secrets = (values: Record<string, string> = { 'env:CONCUR_TOKEN': 'static-secret-token' }): SecretResolver => ({
  resolve: async (ref) => {
    const value = values[ref];
    if (value === undefined) throw new Error(`no secret ${ref}`);
    return value;
  },
});

/** Fast, deterministic retry settings for tests: delays are recorded, not slept through. */
export function fastDeps() {
  const delays: number[] = [];
  return {
    delays,
    retry: { baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 4, maxElapsedMs: 60_000 },
    sleep: async (ms: number) => {
      delays.push(ms);
    },
    random: () => 0.5,
  };
}

export function desiredUser(overrides: Partial<DesiredConcurUser['identity']> = {}, rest: Partial<Omit<DesiredConcurUser, 'identity'>> = {}): DesiredConcurUser {
  return {
    identity: {
      userName: 'ada.lovelace@example.org',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada.lovelace@example.org' }],
      enterprise: { employeeNumber: 'E1001' },
      ...overrides,
    },
    clear: [],
    createOnly: [],
    ...rest,
  };
}

export function listResponse(resources: unknown[], nextCursor?: string) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    Resources: resources,
    ...(nextCursor ? { nextCursor } : {}),
  };
}

export function userResource(id = USER_ID, extra: Record<string, unknown> = {}) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    id,
    userName: 'ada.lovelace@example.org',
    active: true,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { companyId: COMPANY_ID, employeeNumber: 'E1001' },
    meta: { resourceType: 'User', version: 0 },
    ...extra,
  };
}

export function scimError(status: number, detail: string, extra: { scimType?: string; messages?: Array<{ code: string; message: string; schemaPath?: string; type: string }> } = {}) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error', 'urn:ietf:params:scim:api:messages:concur:2.0:Error'],
    status: String(status),
    ...(extra.scimType ? { scimType: extra.scimType } : {}),
    detail,
    ...(extra.messages ? { 'urn:ietf:params:scim:api:messages:concur:2.0:Error': { messages: extra.messages } } : {}),
  };
}
