import { randomUUID } from 'node:crypto';
import { URN_ENTERPRISE } from './constants';
import { ConcurApiError } from './concur-error';
import { isRecord } from './attribute-path';

/** A user as the simulator keeps it: the Identity resource plus UPS extensions kept apart. */
export interface StoredUser {
  /** Insertion order; cursors page on it. */
  seq: number;
  id: string;
  companyId: string;
  /** Identity v4.1 attributes (request form: no id, no meta). */
  resource: Record<string, unknown>;
  /** UPS extensions (spend, travel, ...) by URN. */
  extensions: Record<string, Record<string, unknown>>;
  created: string;
  lastModified: string;
  version: number;
  /** The user has transaction history (expenses, trips): Concur refuses to delete it. */
  history?: boolean;
  /** Legacy v1 password, only for users created through v1 (never returned). */
  password?: string;
}

export interface UniquenessAnswer {
  status: number;
  scimType: string;
}

function enterprise(resource: Record<string, unknown>): Record<string, unknown> {
  const e = resource[URN_ENTERPRISE];
  return isRecord(e) ? e : {};
}

function keys(companyId: string, resource: Record<string, unknown>) {
  const emp = enterprise(resource).employeeNumber;
  const ext = resource.externalId;
  return {
    userName: typeof resource.userName === 'string' ? resource.userName.toLowerCase() : '',
    employee: typeof emp === 'string' && emp ? `${companyId}\u0000${emp.toLowerCase()}` : undefined,
    external: typeof ext === 'string' && ext ? `${companyId}\u0000${ext}` : undefined,
  };
}

/**
 * In-memory users with unique indexes: userName across the whole simulator (digest §3.3),
 * employeeNumber and externalId per company (ID4). Every write bumps `version`.
 */
export class UserStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly byUserName = new Map<string, string>();
  private readonly byEmployee = new Map<string, string>();
  private readonly byExternal = new Map<string, string>();
  private seq = 0;
  /** Bumped on every change, so persistence knows when to write. */
  generation = 0;

  constructor(private readonly uniqueness: UniquenessAnswer) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): StoredUser | undefined {
    return this.byId.get(id);
  }

  /** The user if it exists in this company; other tenants' users are invisible (404). */
  getInCompany(id: string, companyId: string): StoredUser | undefined {
    const u = this.byId.get(id);
    return u && u.companyId === companyId ? u : undefined;
  }

  byUserNameAnyCompany(userName: string): StoredUser | undefined {
    const id = this.byUserName.get(userName.toLowerCase());
    return id ? this.byId.get(id) : undefined;
  }

  byEmployeeNumber(companyId: string, employeeNumber: string): StoredUser | undefined {
    const id = this.byEmployee.get(`${companyId}\u0000${employeeNumber.toLowerCase()}`);
    return id ? this.byId.get(id) : undefined;
  }

  byExternalId(companyId: string, externalId: string): StoredUser | undefined {
    const id = this.byExternal.get(`${companyId}\u0000${externalId}`);
    return id ? this.byId.get(id) : undefined;
  }

  *inCompany(companyId: string): Iterable<StoredUser> {
    for (const u of this.byId.values()) if (u.companyId === companyId) yield u;
  }

  all(): Iterable<StoredUser> {
    return this.byId.values();
  }

  private conflict(attr: string, value: string): ConcurApiError {
    const message = `The value '${value}' of '${attr}' is already in use`;
    return new ConcurApiError(this.uniqueness.status, message, {
      scimType: this.uniqueness.scimType,
      messages: [{ code: 'INVALID_VALUE', message, schemaPath: attr, type: 'error' }],
    });
  }

  private checkUnique(companyId: string, resource: Record<string, unknown>, selfId?: string) {
    const k = keys(companyId, resource);
    const owner = this.byUserName.get(k.userName);
    if (owner !== undefined && owner !== selfId) throw this.conflict('userName', String(resource.userName));
    if (k.employee) {
      const o = this.byEmployee.get(k.employee);
      if (o !== undefined && o !== selfId) throw this.conflict(`${URN_ENTERPRISE}:employeeNumber`, String(enterprise(resource).employeeNumber));
    }
    if (k.external) {
      const o = this.byExternal.get(k.external);
      if (o !== undefined && o !== selfId) throw this.conflict('externalId', String(resource.externalId));
    }
  }

  private index(u: StoredUser) {
    const k = keys(u.companyId, u.resource);
    this.byUserName.set(k.userName, u.id);
    if (k.employee) this.byEmployee.set(k.employee, u.id);
    if (k.external) this.byExternal.set(k.external, u.id);
  }

  private unindex(u: StoredUser) {
    const k = keys(u.companyId, u.resource);
    this.byUserName.delete(k.userName);
    if (k.employee) this.byEmployee.delete(k.employee);
    if (k.external) this.byExternal.delete(k.external);
  }

  insert(companyId: string, resource: Record<string, unknown>, now: string, extra: Partial<Pick<StoredUser, 'extensions' | 'password' | 'id'>> = {}): StoredUser {
    this.checkUnique(companyId, resource);
    const u: StoredUser = {
      seq: ++this.seq,
      id: extra.id ?? randomUUID(),
      companyId,
      resource,
      extensions: extra.extensions ?? {},
      created: now,
      lastModified: now,
      version: 0,
      password: extra.password,
    };
    this.byId.set(u.id, u);
    this.index(u);
    this.generation++;
    return u;
  }

  /** Replaces the identity resource (after PATCH/PUT) and/or extensions; bumps the version. */
  update(u: StoredUser, resource: Record<string, unknown>, now: string, extensions?: Record<string, Record<string, unknown>>): StoredUser {
    this.checkUnique(u.companyId, resource, u.id);
    this.unindex(u);
    u.resource = resource;
    if (extensions) u.extensions = extensions;
    u.lastModified = now;
    u.version++;
    this.index(u);
    this.generation++;
    return u;
  }

  delete(u: StoredUser): void {
    this.unindex(u);
    this.byId.delete(u.id);
    this.generation++;
  }

  clear(): void {
    this.byId.clear();
    this.byUserName.clear();
    this.byEmployee.clear();
    this.byExternal.clear();
    this.generation++;
  }

  /** Plain data for the state file. */
  dump(): StoredUser[] {
    return [...this.byId.values()];
  }

  load(users: StoredUser[]): void {
    this.clear();
    for (const u of users) {
      this.seq = Math.max(this.seq, u.seq);
      this.byId.set(u.id, u);
      this.index(u);
    }
  }
}
