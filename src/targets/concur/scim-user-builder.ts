/**
 * Identity v4.1 create/replace bodies from the desired state. Only Identity (core + enterprise)
 * attributes go here; Spend and Travel go through UPS (ups-operation-builder.ts).
 */
import { SCHEMA_CORE, SCHEMA_ENTERPRISE, type DesiredConcurUser } from '../../domain/concur-user';

export type ScimUserBody = Record<string, unknown>;

export interface IdentityBodyOptions {
  /** The tenant's company UUID (ConnectionConfig.companyId), required and immutable in Concur. */
  companyId?: string;
  /** The manager's Concur UUID, resolved from `manager.employeeNumber`. */
  managerId?: string;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

/** Copies the present keys of `source` (empty strings dropped: Concur treats them as invalid). */
function pick<T extends object>(source: T | undefined, keys: ReadonlyArray<keyof T>): Record<string, unknown> | undefined {
  if (!source) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (present(source[key])) out[key as string] = source[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `POST /Users` body (also the `PUT` body, with `id` added by the caller). */
export function buildIdentityUserBody(desired: DesiredConcurUser, options: IdentityBodyOptions = {}): ScimUserBody {
  const u = desired.identity;
  const body: ScimUserBody = { schemas: [SCHEMA_CORE, SCHEMA_ENTERPRISE], userName: u.userName, active: u.active };
  for (const key of ['externalId', 'displayName', 'nickName', 'title', 'preferredLanguage', 'timezone', 'dateOfBirth'] as const) {
    if (present(u[key])) body[key] = u[key];
  }
  body.name = pick(u.name, ['givenName', 'familyName', 'middleName', 'honorificPrefix', 'honorificSuffix']) ?? {};
  body.emails = u.emails.filter((e) => present(e.value)).map((e) => ({ type: e.type, value: e.value }));
  const phones = (u.phoneNumbers ?? []).filter((p) => present(p.value)).map((p) => ({ type: p.type, value: p.value }));
  if (phones.length > 0) body.phoneNumbers = phones;
  const addresses = (u.addresses ?? [])
    .map((a) => ({ type: a.type, ...pick(a, ['streetAddress', 'locality', 'region', 'postalCode', 'country']) }))
    .filter((a) => Object.keys(a).length > 1);
  if (addresses.length > 0) body.addresses = addresses;
  if (present(u.entitlements)) body.entitlements = [...(u.entitlements as string[])];

  const enterprise: Record<string, unknown> = {
    ...pick(u.enterprise, ['employeeNumber', 'costCenter', 'division', 'department', 'legalEntity', 'startDate', 'terminationDate']),
  };
  const companyId = options.companyId ?? u.enterprise.companyId;
  if (present(companyId)) enterprise.companyId = companyId;
  if (options.managerId) enterprise.manager = { value: options.managerId };
  body[SCHEMA_ENTERPRISE] = enterprise;
  return body;
}

/** Whether the desired state names a manager the connector must resolve to a UUID. */
export function managerEmployeeNumber(desired: DesiredConcurUser): string | undefined {
  const value = desired.identity.enterprise.manager?.employeeNumber;
  return present(value) ? value : undefined;
}
