import { request } from 'undici';

/** A tiny JSON client for driving the simulator over real HTTP in tests. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Test assertions dig into arbitrary JSON; typing every body would add noise, not safety.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export async function call(base: string, method: string, path: string, opts: { token?: string | null; body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.raw !== undefined) {
    body = opts.raw;
  } else if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await request(`${base}${path}`, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* XML or plain text */
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}

export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
export const TRAVEL = 'urn:ietf:params:scim:schemas:extension:travel:2.0:User';
export const ID = '/profile/identity/v4.1';
export const UPS = '/profile/v4';
export const CONCUR_ERROR = 'urn:ietf:params:scim:api:messages:concur:2.0:Error';

export function userBody(n: number | string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${n}@example.org`,
    active: true,
    name: { givenName: 'Test', familyName: `User${n}` },
    emails: [{ value: `user${n}@example.org`, type: 'work' }],
    [ENT]: { employeeNumber: `E${n}` },
    ...over,
  };
}

export const SEARCH = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
