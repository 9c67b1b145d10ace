import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { toDate, toOptionalDate } from '../../store/row-values';
import { hashKeySecret, verifyKeySecret } from './api-key-hash';
import { isApiRole, type ApiRole } from './api-role';

/** An API key as listed: never its secret, which exists only in what `create` returned. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: ApiRole;
  createdAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

/** The caller a valid key identifies. */
export interface ApiCaller {
  keyId: string;
  role: ApiRole;
}

const PREFIX = 'obk_';
const TOKEN = /^obk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key (not on every request). */
const TOUCH_INTERVAL_MS = 60_000;

export class ApiKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiKeyError';
  }
}

/**
 * API keys in the state store. A key is `obk_<id>_<secret>`: the id finds the row, the secret is
 * checked against its scrypt hash in constant time. scrypt costs tens of milliseconds, so a key
 * verified once is remembered in memory by a SHA-256 of the whole token; the row is still read on
 * every request, so a revocation (by the CLI, in another process) takes effect at once.
 */
export class ApiKeyStore {
  private readonly verified = new Map<string, string>();
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Knex) {}

  async create(role: ApiRole, name: string): Promise<{ key: ApiKeyInfo; token: string }> {
    if (!isApiRole(role)) throw new ApiKeyError(`role must be one of read, operator, admin (got "${String(role)}")`);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 128) throw new ApiKeyError('name must be 1 to 128 characters');
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const createdAt = new Date();
    await this.db('api_keys').insert({ id, name: trimmed, role, hash: await hashKeySecret(secret), created_at: createdAt });
    return { key: { id, name: trimmed, role, createdAt }, token: `${PREFIX}${id}_${secret}` };
  }

  /**
   * Adopts a key generated elsewhere (a deployment's bootstrap admin key, from a compose or
   * Kubernetes secret): stores its hash once under its own id; a key already known is kept as is.
   */
  async adopt(token: string, role: ApiRole, name: string): Promise<{ id: string; created: boolean }> {
    const match = TOKEN.exec(token.trim());
    if (!match) throw new ApiKeyError('a key must look like obk_<16 hex digits>_<43 base64url characters> (outbound keys create makes one)');
    const [, id, secret] = match;
    if (await this.db('api_keys').where({ id }).first('id')) return { id, created: false };
    await this.db('api_keys').insert({ id, name, role, hash: await hashKeySecret(secret), created_at: new Date() });
    return { id, created: true };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = (await this.db('api_keys').select('id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at').orderBy('created_at')) as KeyRow[];
    return rows.map(fromRow);
  }

  /** Marks a key revoked (kept, so audit entries still name it); false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date() });
    if (changed > 0) return true;
    return Boolean(await this.db('api_keys').where({ id }).first('id'));
  }

  /** Whether any key that is not revoked has the admin role (`npm run up` makes one if not). */
  async hasActiveAdmin(): Promise<boolean> {
    return Boolean(await this.db('api_keys').where({ role: 'admin' }).whereNull('revoked_at').first('id'));
  }

  /** The caller for a presented token, or undefined when it is malformed, unknown, wrong or revoked. */
  async verify(token: string): Promise<ApiCaller | undefined> {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, id, secret] = match;
    const row = (await this.db('api_keys').where({ id }).first('id', 'role', 'hash', 'revoked_at')) as KeyRow | undefined;
    if (!row || toOptionalDate(row.revoked_at) || !isApiRole(row.role)) return undefined;
    const fingerprint = createHash('sha256').update(token).digest('base64url');
    if (this.verified.get(fingerprint) !== row.hash) {
      if (!(await verifyKeySecret(secret, row.hash))) return undefined;
      this.verified.set(fingerprint, row.hash);
    }
    await this.touch(id);
    return { keyId: id, role: row.role };
  }

  private async touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now);
    await this.db('api_keys').where({ id }).update({ last_used_at: new Date(now) });
  }
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: unknown;
  last_used_at?: unknown;
  revoked_at?: unknown;
}


function fromRow(r: KeyRow): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    role: r.role as ApiRole,
    createdAt: toDate(r.created_at),
    lastUsedAt: toOptionalDate(r.last_used_at),
    revokedAt: toOptionalDate(r.revoked_at),
  };
}
