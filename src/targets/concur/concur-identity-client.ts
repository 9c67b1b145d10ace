/**
 * Identity v4.1 (`/profile/identity/v4.1`): users' core and enterprise attributes,
 * synchronous. Thin over the transport: builds paths and reads Concur's resources.
 */
import { SCHEMA_ENTERPRISE } from '../../domain/concur-user';
import type { ConcurHttpClient } from './concur-http-client';
import type { PatchBody } from './scim-patch-builder';
import { scimString } from './scim-paths';

export const IDENTITY_BASE = '/profile/identity/v4.1';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';

/** A Concur user as returned (only what Outbound reads is typed). */
export interface ConcurUserResource {
  id: string;
  userName?: string;
  active?: boolean;
  externalId?: string;
  meta?: { version?: number; created?: string; lastModified?: string; location?: string };
  [key: string]: unknown;
}

export interface UserPage {
  users: ConcurUserResource[];
  totalResults?: number;
  /** Absent on the last page. */
  nextCursor?: string;
}

export interface SearchOptions {
  attributes?: string[];
  /** 1–1000 (Concur's limit). */
  count?: number;
  cursor?: string;
}

/** Keys a user can be found by; each is unique in Concur (userName across all of Concur). */
export interface UserKeys {
  employeeNumber?: string;
  userName?: string;
  externalId?: string;
}

export class ConcurIdentityClient {
  constructor(private readonly http: ConcurHttpClient) {}

  async createUser(body: Record<string, unknown>): Promise<ConcurUserResource> {
    const res = await this.http.send({ operation: 'identity.createUser', method: 'POST', path: `${IDENTITY_BASE}/Users`, body, idempotent: false });
    return res.body as ConcurUserResource;
  }

  async getUser(id: string, attributes?: string[]): Promise<ConcurUserResource> {
    const res = await this.http.send({
      operation: 'identity.getUser',
      method: 'GET',
      path: `${IDENTITY_BASE}/Users/${encodeURIComponent(id)}`,
      query: { attributes: attributes?.join(',') },
      idempotent: true,
      logFields: { concurId: id },
    });
    return res.body as ConcurUserResource;
  }

  async patchUser(id: string, body: PatchBody): Promise<ConcurUserResource> {
    const res = await this.http.send({
      operation: 'identity.patchUser',
      method: 'PATCH',
      path: `${IDENTITY_BASE}/Users/${encodeURIComponent(id)}`,
      body,
      // Every operation Outbound sends is a replace/remove/typed add: repeating it changes nothing.
      idempotent: true,
      logFields: { concurId: id },
    });
    return res.body as ConcurUserResource;
  }

  async deleteUser(id: string): Promise<void> {
    await this.http.send({ operation: 'identity.deleteUser', method: 'DELETE', path: `${IDENTITY_BASE}/Users/${encodeURIComponent(id)}`, idempotent: true, logFields: { concurId: id } });
  }

  /** `POST /Users/.search` with a SCIM filter; cursor paging (no startIndex in v4.1). */
  async search(filter: string | undefined, options: SearchOptions = {}): Promise<UserPage> {
    const body: Record<string, unknown> = { schemas: [SEARCH_REQUEST_SCHEMA] };
    if (filter !== undefined) body.filter = filter;
    if (options.attributes) body.attributes = options.attributes;
    if (options.count !== undefined) body.count = options.count;
    if (options.cursor !== undefined) body.cursor = options.cursor;
    const res = await this.http.send({ operation: 'identity.searchUsers', method: 'POST', path: `${IDENTITY_BASE}/Users/.search`, body, idempotent: true });
    return toPage(res.body);
  }

  /** Every user matching `filter`, page by page. */
  async *searchAll(filter: string | undefined, options: Omit<SearchOptions, 'cursor'> = {}): AsyncGenerator<ConcurUserResource> {
    let cursor: string | undefined;
    do {
      const page = await this.search(filter, { ...options, cursor });
      yield* page.users;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** `GET /Users` (the side-effect-free credential probe uses `count=1&attributes=id`). */
  async listUsers(options: { count?: number; attributes?: string[]; cursor?: string } = {}): Promise<UserPage> {
    const res = await this.http.send({
      operation: 'identity.listUsers',
      method: 'GET',
      path: `${IDENTITY_BASE}/Users`,
      query: { count: options.count, attributes: options.attributes?.join(','), cursor: options.cursor },
      idempotent: true,
    });
    return toPage(res.body);
  }

  /**
   * Users matching any of the keys, in one search. The caller decides precedence when several
   * different users match (employeeNumber first, as PingFederate matched on empId).
   */
  async findByKeys(keys: UserKeys): Promise<ConcurUserResource[]> {
    const filter = keysFilter(keys);
    if (!filter) return [];
    const page = await this.search(filter, { attributes: ['id', 'userName', 'externalId', 'active', `${SCHEMA_ENTERPRISE}:employeeNumber`], count: 10 });
    return page.users;
  }
}

/**
 * Users matching any key of many users, in as few searches as possible (one filter ORs the keys
 * of up to `perSearch` users). The engine looks up a whole batch before creating, instead of one
 * search per user.
 */
export async function findByManyKeys(client: ConcurIdentityClient, keyList: UserKeys[], perSearch = 40): Promise<ConcurUserResource[]> {
  const filters: string[] = [];
  for (let i = 0; i < keyList.length; i += perSearch) {
    const filter = keyList
      .slice(i, i + perSearch)
      .map(keysFilter)
      .filter((f): f is string => Boolean(f))
      .join(' or ');
    if (filter) filters.push(filter);
  }
  // The searches are independent: sent together (the connection's limiter bounds them), a batch's
  // look-up costs one round trip instead of one per 40 users, which on a high-latency tenant left
  // the write pipeline idle at every batch start.
  const pages = await Promise.all(
    filters.map(async (filter) => {
      const found: ConcurUserResource[] = [];
      for await (const user of client.searchAll(filter, { attributes: ['id', 'userName', 'externalId', 'active', `${SCHEMA_ENTERPRISE}:employeeNumber`], count: 1000 })) found.push(user);
      return found;
    }),
  );
  return pages.flat();
}

/** `employeeNumber eq "…" or userName eq "…" or externalId eq "…"` for the keys present. */
export function keysFilter(keys: UserKeys): string | undefined {
  const clauses: string[] = [];
  if (keys.employeeNumber) clauses.push(`${SCHEMA_ENTERPRISE}:employeeNumber eq ${scimString(keys.employeeNumber)}`);
  if (keys.userName) clauses.push(`userName eq ${scimString(keys.userName)}`);
  if (keys.externalId) clauses.push(`externalId eq ${scimString(keys.externalId)}`);
  return clauses.length > 0 ? clauses.join(' or ') : undefined;
}

function toPage(raw: unknown): UserPage {
  const body = (raw ?? {}) as { Resources?: ConcurUserResource[]; totalResults?: number; nextCursor?: string };
  return { users: Array.isArray(body.Resources) ? body.Resources : [], totalResults: body.totalResults, nextCursor: body.nextCursor || undefined };
}

/** The employeeNumber of a user resource (enterprise extension). */
export function employeeNumberOf(user: ConcurUserResource): string | undefined {
  const enterprise = user[SCHEMA_ENTERPRISE] as { employeeNumber?: string } | undefined;
  return enterprise?.employeeNumber;
}
