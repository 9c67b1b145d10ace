/**
 * What Concur would reject in a desired user, checked before anything is sent so one bad record
 * is reported with the field named instead of costing a write. Limits follow SAP's OpenAPI files
 * and SAP's Identity and UPS documentation. Messages name the field, never the value.
 */
import { ADDRESS_TYPES, CONCUR_FIELDS, EMAIL_TYPES, PHONE_TYPES, SPEND_CUSTOM_IDS, SPEND_REQUIRED_FIELDS, concurField, type ConcurFieldDef, type ConcurFormat } from './concur-fields';
import type { DesiredConcurUser } from './concur-user';
import { getFieldValue } from './mapping/field-access';

/** A problem with one field of one user. `field` is the mapping's Concur field name. */
export interface FieldIssue {
  field: string;
  message: string;
  code: FieldIssueCode | string;
}

export type FieldIssueCode =
  | 'required'
  | 'invalid-type'
  | 'invalid-character'
  | 'too-short'
  | 'too-long'
  | 'not-allowed'
  | 'invalid-format'
  | 'out-of-range'
  | 'duplicate-type'
  | 'not-boolean'
  | 'not-a-date'
  | 'multiple-values'
  | 'expression-failed'
  | 'expression-timeout'
  | 'invalid-result';

/** Inclusive range Concur accepts for startDate/terminationDate. */
export const CONCUR_DATE_MIN = '1900-01-01';
export const CONCUR_DATE_MAX = '2079-06-06';

/** Characters Concur forbids in userName; brackets included, as SAP's documentation lists them. */
const USERNAME_FORBIDDEN = /[%[\]#!*&()~'{^}\\/?><,;:"+=|]/;
const USERNAME_SHAPE = /^[^\s@]+@[^\s@]+$/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_SHAPE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

const FORMAT_RULES: Record<Exclude<ConcurFormat, 'userName' | 'timezone'>, { test: RegExp; message: string }> = {
  email: { test: EMAIL_SHAPE, message: 'must be an email address (local@domain, no spaces)' },
  countryCode: { test: /^[A-Z]{2}$/, message: 'must be a 2-letter ISO 3166-1 country code' },
  subdivisionCode: { test: /^[A-Z0-9]{2}$/, message: 'must be a 2-character ISO 3166-2 subdivision code without the country prefix (WA, not US-WA)' },
  currencyCode: { test: /^[A-Z0-9]{3}$/, message: 'must be a 3-character ISO 4217 currency code' },
  spendLocale: { test: /^[a-z]{2}[-_][A-Z]{2}$/, message: 'must be a 5-character locale such as en-US or en_US' },
  languageTag: { test: /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, message: 'must be a language tag such as en-US' },
  digits: { test: /^\d+$/, message: 'must be a number (digits only)' },
};

const PHONE_FIELDS = CONCUR_FIELDS.filter((f) => f.target.kind === 'phone');
const ADDRESS_FIELDS = CONCUR_FIELDS.filter((f) => f.target.kind === 'address');
const SPEND_FIELDS = CONCUR_FIELDS.filter((f) => f.target.kind === 'spend' || f.target.kind === 'spendCustom');
const TRAVEL_FIELDS = CONCUR_FIELDS.filter((f) => f.target.kind === 'travel' || f.target.kind === 'ruleClass');
const ALWAYS_CHECKED = CONCUR_FIELDS.filter((f) => ![PHONE_FIELDS, ADDRESS_FIELDS, SPEND_FIELDS, TRAVEL_FIELDS].some((group) => group.includes(f)));

/** Every problem Concur would reject this user for; empty when it would accept it. */
export function validateConcurUser(user: DesiredConcurUser): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Groups whose container is absent hold no values and no required field: skipped (speed).
  checkFields(user, ALWAYS_CHECKED, issues);
  if (user.identity.phoneNumbers) checkFields(user, PHONE_FIELDS, issues);
  if (user.identity.addresses) checkFields(user, ADDRESS_FIELDS, issues);
  if (user.spend) checkFields(user, SPEND_FIELDS, issues);
  if (user.travel) checkFields(user, TRAVEL_FIELDS, issues);
  checkTypedList(user.identity.emails, 'emails', EMAIL_TYPES, issues);
  checkTypedList(user.identity.phoneNumbers, 'phoneNumbers', PHONE_TYPES, issues);
  checkTypedList(user.identity.addresses, 'addresses', ADDRESS_TYPES, issues);
  if (!Array.isArray(user.identity.emails) || user.identity.emails.length === 0) {
    issues.push({ field: 'emails.work', code: 'required', message: 'Concur requires at least one email address (emails.work or another type)' });
  }
  if (user.spend) checkSpend(user.spend, issues);
  return issues;
}

function checkFields(user: DesiredConcurUser, defs: readonly ConcurFieldDef[], issues: FieldIssue[]): void {
  for (const def of defs) {
    const value = getFieldValue(user, def.target);
    if (value === undefined || value === null || value === '') {
      if (def.required) issues.push({ field: def.name, code: 'required', message: 'is required by Concur and has no value' });
      continue;
    }
    checkValue(def, value, issues);
  }
}

/** Validates one field's value against the catalogue (also used for literals at compile time). */
export function validateFieldValue(def: ConcurFieldDef, value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkValue(def, value, issues);
  return issues;
}

function checkValue(def: ConcurFieldDef, value: unknown, issues: FieldIssue[]): void {
  const field = def.name;
  switch (def.type) {
    case 'boolean':
      if (typeof value !== 'boolean') issues.push({ field, code: 'invalid-type', message: 'must be true or false' });
      return;
    case 'string-list':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
        issues.push({ field, code: 'invalid-type', message: 'must be a list of text values' });
        return;
      }
      if (new Set(value).size !== value.length) issues.push({ field, code: 'duplicate-type', message: 'lists the same value twice' });
      for (const item of value) checkText(def, item as string, issues);
      return;
    default:
      if (typeof value !== 'string') {
        issues.push({ field, code: 'invalid-type', message: 'must be text' });
        return;
      }
      checkText(def, value, issues);
  }
}

function checkText(def: ConcurFieldDef, value: string, issues: FieldIssue[]): void {
  const field = def.name;
  if (hasControlCharacter(value)) {
    issues.push({ field, code: 'invalid-character', message: 'contains control characters (tab, newline, NUL...)' });
    return;
  }
  if (def.maxLength !== undefined && value.length > def.maxLength && codePoints(value) > def.maxLength) {
    issues.push({ field, code: 'too-long', message: `is longer than the ${def.maxLength} characters Concur allows` });
  }
  if (def.minLength !== undefined && codePoints(value) < def.minLength) {
    issues.push({ field, code: 'too-short', message: `must have at least ${def.minLength} character(s)` });
  }
  if (def.enum && !def.enum.includes(value)) {
    issues.push({ field, code: 'not-allowed', message: `must be one of ${def.enum.join(', ')}` });
  }
  if (def.type === 'date') checkDate(field, value, false, issues);
  else if (def.type === 'datetime') checkDate(field, value, true, issues);
  switch (def.format) {
    case undefined:
      return;
    case 'userName':
      if (USERNAME_FORBIDDEN.test(value)) {
        issues.push({ field, code: 'invalid-character', message: 'contains a character Concur forbids in userName (% [ ] # ! * & ( ) ~ \' { ^ } \\ / ? > < , ; : " + = |)' });
      }
      if (!USERNAME_SHAPE.test(value)) issues.push({ field, code: 'invalid-format', message: 'must look like user@domain (one @, no spaces)' });
      return;
    case 'timezone':
      if (!isTimeZone(value)) issues.push({ field, code: 'invalid-format', message: 'must be an IANA (Olson) time zone such as America/New_York' });
      return;
    default: {
      const rule = FORMAT_RULES[def.format];
      if (!rule.test.test(value)) issues.push({ field, code: 'invalid-format', message: rule.message });
    }
  }
}

function checkDate(field: string, value: string, withTime: boolean, issues: FieldIssue[]): void {
  const m = (withTime ? DATETIME_SHAPE : DATE_SHAPE).exec(value);
  if (!m) {
    issues.push({ field, code: 'invalid-format', message: withTime ? 'must be a date-time YYYY-MM-DDThh:mm:ssZ' : 'must be a date YYYY-MM-DD' });
    return;
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    issues.push({ field, code: 'invalid-format', message: 'is not a calendar date' });
    return;
  }
  // Concur's documented range is for enterprise dates; applied to every date, as Concur stores
  // them alike and a birth date outside it is a data error anyway.
  const date = value.slice(0, 10);
  if (date < CONCUR_DATE_MIN || date > CONCUR_DATE_MAX) {
    issues.push({ field, code: 'out-of-range', message: `must be between ${CONCUR_DATE_MIN} and ${CONCUR_DATE_MAX}` });
  }
}

function checkTypedList(list: Array<{ type: string }> | undefined, name: string, types: readonly string[], issues: FieldIssue[]): void {
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  for (const item of list) {
    if (!types.includes(item.type)) {
      issues.push({ field: name, code: 'not-allowed', message: `has a type Concur does not know (allowed: ${types.join(', ')})` });
    } else if (seen.has(item.type)) {
      issues.push({ field: `${name}.${item.type}`, code: 'duplicate-type', message: `Concur allows one ${name} entry per type` });
    }
    seen.add(item.type);
  }
}

function checkSpend(spend: NonNullable<DesiredConcurUser['spend']>, issues: FieldIssue[]): void {
  for (const name of SPEND_REQUIRED_FIELDS) {
    const value = getFieldValue({ spend } as DesiredConcurUser, (concurField(name) as ConcurFieldDef).target);
    if (value === undefined || value === '') {
      issues.push({ field: name, code: 'required', message: 'is required by Concur whenever Spend fields are sent' });
    }
  }
  if (!Array.isArray(spend.customData)) return;
  const seen = new Set<string>();
  for (const item of spend.customData) {
    if (!SPEND_CUSTOM_IDS.includes(item.id)) issues.push({ field: 'spend.customData', code: 'not-allowed', message: 'has an id other than custom1-21 or orgUnit1-6' });
    else if (seen.has(item.id)) issues.push({ field: `spend.${item.id}`, code: 'duplicate-type', message: 'appears twice in customData' });
    seen.add(item.id);
  }
}

/** C0 controls and DEL: no Concur text field takes them, and they break CSV exports and logs. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// Intl knows the IANA zones; checking is slow-ish, so answers are cached (bounded, as the values
// come from the source).
const timeZoneCache = new Map<string, boolean>();
function isTimeZone(value: string): boolean {
  const cached = timeZoneCache.get(value);
  if (cached !== undefined) return cached;
  let ok: boolean;
  try {
    ok = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value) && new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone !== undefined;
  } catch {
    ok = false;
  }
  if (timeZoneCache.size < 1000) timeZoneCache.set(value, ok);
  return ok;
}
