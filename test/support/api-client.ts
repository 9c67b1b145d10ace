/* eslint-disable @typescript-eslint/no-explicit-any -- tests read bodies loosely */
/**
 * The one way tests reach the admin API: build the server here and call it over real HTTP, so
 * authentication (keys, roles) can be plugged in at one place.
 */
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiDeps } from '../../src/api/server';
import type { SecretPolicy } from '../../src/config/secret-policy';
import type { KnexStateStore } from '../../src/store/knex-state-store';
import { createTestKey } from './api-keys';
import { recordForLeakScan } from './leak-manifest';
import { recordApiResponses } from './api-response-recorder';

/** The harness configures `env:UNUSED` for its memory datastore; tests allow that name too. */
const TEST_SECRET_POLICY: SecretPolicy = { envPrefixes: ['OUTBOUND_SECRET_'], envNames: ['UNUSED', 'OUTBOUND_LDAP_BIND_PASSWORD', 'CONCUR_ACCESS_TOKEN'], secretsDir: '/nonexistent-secrets-dir' };

function recordApiKeyForLeakScan(key: string): void {
  recordForLeakScan({ suite: 'api-client', secrets: [key] });
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiClient {
  baseUrl: string;
  request<T = any>(method: string, path: string, options?: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

/** `path` is relative to /api/v1 unless it starts with `//` (e.g. `//healthz` for the root). */
export function apiClient(baseUrl: string, options: { key?: string } = {}): ApiClient {
  const url = (path: string) => (path.startsWith('//') ? `${baseUrl}${path.slice(1)}` : `${baseUrl}/api/v1${path}`);
  const request = async (method: string, path: string, opts: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) };
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url(path), { method, headers: { ...headers, ...opts.headers }, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed as any, text };
  };
  return {
    baseUrl,
    request,
    get: (path, headers) => request('GET', path, { headers }),
    post: (path, body, headers) => request('POST', path, { body, headers }),
    put: (path, body, headers) => request('PUT', path, { body, headers }),
    delete: (path, headers) => request('DELETE', path, { headers }),
  };
}

/** Builds the API on the given engine parts and listens on a free loopback port. */
export async function startApi(deps: ApiDeps): Promise<{ app: FastifyInstance; baseUrl: string; client: ApiClient; adminKey: string }> {
  const app = buildApi({ secretPolicy: TEST_SECRET_POLICY, ...deps });
  recordApiResponses(app);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  // The client presents an admin key; tests of roles pass their own Authorization header.
  const adminKey = await createTestKey(deps.store as KnexStateStore, 'admin');
  recordApiKeyForLeakScan(adminKey);
  return { app, baseUrl, client: apiClient(baseUrl, { key: adminKey }), adminKey };
}
