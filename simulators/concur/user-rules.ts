import { URN_CORE, URN_ENTERPRISE, URN_SAP } from './constants';
import { ConcurApiError, invalidValue, type ConcurMessage } from './concur-error';
import { formatAttrPath, isRecord, parseAttrPath, valuesAt } from './attribute-path';

/**
 * Concur's rules beyond the OpenAPI schema (digest §3.3), as pure functions over a user resource
 * in request form (no `id`/`meta`).
 */

/** Forbidden in userName (digest §3.3); the list's own brackets are read as delimiters. */
const FORBIDDEN_USERNAME = /[%#!*&()~'{^}\\/?><,;:"+=|\s]/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNTRY = /^[A-Z]{2}$/;

function msg(schemaPath: string, message: string): ConcurMessage {
  return { code: 'INVALID_VALUE', message, schemaPath, type: 'error' };
}

function uniqueTypes(list: unknown, attr: string, out: ConcurMessage[]) {
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  for (const el of list) {
    if (!isRecord(el) || typeof el.type !== 'string') continue;
    if (seen.has(el.type)) out.push(msg(`${attr}[type eq "${el.type}"]`, `Only one '${attr}' value of type '${el.type}' is allowed`));
    seen.add(el.type);
  }
}

function checkDateTime(value: unknown, path: string, out: ConcurMessage[]) {
  if (value === undefined || value === null) return;
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m || Number.isNaN(Date.parse(value as string))) {
    out.push(msg(path, `Value of '${path}' must be a date-time in the format YYYY-MM-DDThh:mm:ssZ`));
    return;
  }
  const day = (value as string).slice(0, 10);
  if (day < '1900-01-01' || day > '2079-06-06') out.push(msg(path, `Value of '${path}' must be between 1900-01-01 and 2079-06-06`));
}

/** Everything Concur checks on a user body besides the schema; throws a 400 listing every problem. */
export function checkUserRules(user: Record<string, unknown>, requiredFields: readonly string[]): void {
  const out: ConcurMessage[] = [];
  const userName = user.userName;
  if (typeof userName === 'string') {
    if (FORBIDDEN_USERNAME.test(userName)) out.push(msg('userName', "Value of 'userName' contains a character that is not allowed"));
    else if (!/^[^@]+@[^@]+$/.test(userName)) out.push(msg('userName', "Value of 'userName' must have the form user@domain"));
  }
  if (Array.isArray(user.emails) && user.emails.length === 0) out.push(msg('emails', "At least one value of 'emails' is required"));
  uniqueTypes(user.emails, 'emails', out);
  uniqueTypes(user.phoneNumbers, 'phoneNumbers', out);
  uniqueTypes(user.addresses, 'addresses', out);
  if (Array.isArray(user.phoneNumbers)) {
    const primaries = user.phoneNumbers.filter((p) => isRecord(p) && p.primary === true);
    if (primaries.length > 1) out.push(msg('phoneNumbers.primary', 'Only one phone number can be primary'));
    if (primaries.some((p) => isRecord(p) && p.type !== 'mobile')) out.push(msg('phoneNumbers.primary', 'Only a mobile phone number can be primary'));
  }
  if (Array.isArray(user.addresses)) {
    for (const a of user.addresses) {
      if (isRecord(a) && a.country !== undefined && !(typeof a.country === 'string' && COUNTRY.test(a.country))) {
        out.push(msg(`addresses[type eq "${String(a.type)}"].country`, 'Country must be an ISO 3166-1 alpha-2 code'));
      }
    }
  }
  if (user.dateOfBirth !== undefined && !(typeof user.dateOfBirth === 'string' && DATE.test(user.dateOfBirth))) {
    out.push(msg('dateOfBirth', "Value of 'dateOfBirth' must be a date in the format YYYY-MM-DD"));
  }
  const ent = user[URN_ENTERPRISE];
  if (isRecord(ent)) {
    checkDateTime(ent.startDate, `${URN_ENTERPRISE}:startDate`, out);
    checkDateTime(ent.terminationDate, `${URN_ENTERPRISE}:terminationDate`, out);
  }
  for (const field of requiredFields) {
    const values = valuesAt(user, parseAttrPath(field));
    if (values.length === 0 || values.every((v) => v === '')) out.push(msg(formatAttrPath(parseAttrPath(field)), `Required attribute '${field}' is missing`));
  }
  if (out.length > 0) throw new ConcurApiError(400, out.map((m) => m.message).join('; '), { scimType: 'invalidValue', messages: out });
}

/** companyId must match the token's company and never change (digest §3.3). */
export function checkCompany(user: Record<string, unknown>, tokenCompany: string, previousCompany?: string): void {
  const ent = user[URN_ENTERPRISE];
  const companyId = isRecord(ent) ? ent.companyId : undefined;
  const path = `${URN_ENTERPRISE}:companyId`;
  if (previousCompany !== undefined && companyId !== previousCompany) {
    throw new ConcurApiError(400, "Attribute 'companyId' is immutable", {
      scimType: 'mutability',
      messages: [{ code: 'INVALID_VALUE', message: "Attribute 'companyId' is immutable", schemaPath: path, type: 'error' }],
    });
  }
  if (companyId !== tokenCompany) throw invalidValue(path, "Value of 'companyId' does not match the company of the access token");
}

/** Fills what Concur fills on create (digest §3.3, A4); `now` is an ISO timestamp. */
export function applyServerDefaults(user: Record<string, unknown>, tokenCompany: string, now: string, fillCompany: boolean): void {
  if (user.timezone === undefined) user.timezone = 'America/New_York';
  if (user.preferredLanguage === undefined) user.preferredLanguage = 'en-US';
  let ent = user[URN_ENTERPRISE];
  if (!isRecord(ent)) {
    if (!fillCompany) return;
    ent = {};
    user[URN_ENTERPRISE] = ent;
  }
  const e = ent as Record<string, unknown>;
  if (e.companyId === undefined && fillCompany) e.companyId = tokenCompany;
  if (e.startDate === undefined) e.startDate = `${now.slice(0, 10)}T00:00:00Z`;
}

/** Generated attributes, recomputed on every write (digest §3.3). */
export function applyGenerated(user: Record<string, unknown>): void {
  const name = user.name;
  if (isRecord(name)) {
    const given = typeof user.nickName === 'string' && user.nickName ? user.nickName : name.givenName;
    const display = [given, name.familyName].filter((x) => typeof x === 'string' && x).join(' ');
    if (display) user.displayName = display.slice(0, 60);
    const formatted = [name.givenName, name.middleName, name.familyName].filter((x) => typeof x === 'string' && x).join(' ');
    if (formatted) name.formatted = formatted;
  }
  const schemas = new Set(Array.isArray(user.schemas) ? (user.schemas as string[]) : []);
  schemas.add(URN_CORE);
  schemas.add(URN_ENTERPRISE);
  schemas.add(URN_SAP);
  user.schemas = [...schemas];
}
