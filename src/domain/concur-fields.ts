/**
 * The catalogue of Concur fields Outbound can map: the names an attribute mapping is keyed by,
 * where each lands in Identity v4.1 / UPS v4 (SCIM path), its type and limits, and the
 * PingFederate (User v1) names that can be carried over from a PingFederate configuration.
 *
 * Limits come from SAP's Identity v4.1 and UPS v4 OpenAPI files and their documentation; aliases
 * from PingFederate's Concur attribute reference and
 * SAP's v1 → v4 mapping table (V1MAP).
 */
import { SCHEMA_CORE, SCHEMA_ENTERPRISE, SCHEMA_SPEND, SCHEMA_TRAVEL, type EmailType, type PhoneType } from './concur-user';

export type AddressType = 'work' | 'home' | 'other' | 'billing' | 'bank' | 'shipping';
export type AddressPart = 'streetAddress' | 'locality' | 'region' | 'postalCode' | 'country';

/** Where a field's value lives in `DesiredConcurUser`. */
export type FieldTarget =
  | { kind: 'core'; key: 'userName' | 'active' | 'externalId' | 'displayName' | 'nickName' | 'title' | 'preferredLanguage' | 'timezone' | 'dateOfBirth' | 'entitlements' }
  | { kind: 'name'; key: 'givenName' | 'familyName' | 'middleName' | 'honorificPrefix' | 'honorificSuffix' }
  | { kind: 'email'; type: EmailType }
  | { kind: 'phone'; type: PhoneType }
  | { kind: 'address'; type: AddressType; part: AddressPart }
  | { kind: 'enterprise'; key: 'employeeNumber' | 'costCenter' | 'division' | 'department' | 'legalEntity' | 'startDate' | 'terminationDate' }
  | { kind: 'manager'; key: 'employeeNumber' }
  | {
      kind: 'spend';
      key:
        | 'reimbursementCurrency'
        | 'country'
        | 'stateProvince'
        | 'locale'
        | 'ledgerCode'
        | 'cashAdvanceAccountCode'
        | 'reimbursementType'
        | 'budgetCountryCode'
        | 'testEmployee'
        | 'nonEmployee';
    }
  | { kind: 'spendCustom'; id: string }
  | { kind: 'travel'; key: 'travelCrsName' | 'travelNameRemark' }
  | { kind: 'ruleClass'; key: 'id' | 'name' };

/**
 * `date` is `YYYY-MM-DD`; `datetime` is `YYYY-MM-DDThh:mm:ssZ` (UTC); `string-list` is a
 * multi-valued field (the only kind `allValues` applies to).
 */
export type ConcurValueType = 'string' | 'boolean' | 'date' | 'datetime' | 'string-list';

/** Value shapes checked beyond length and enum. */
export type ConcurFormat = 'userName' | 'email' | 'countryCode' | 'subdivisionCode' | 'currencyCode' | 'spendLocale' | 'languageTag' | 'timezone' | 'digits';

export interface ConcurFieldDef {
  /** The mapping key (dotted, Outbound's own naming). */
  readonly name: string;
  /** SCIM schema URN the field belongs to. */
  readonly schema: string;
  /** SCIM path inside that schema (PATCH path form), for documentation and messages. */
  readonly scimPath: string;
  /** Identity v4.1 carries core and enterprise fields; spend and travel need UPS v4. */
  readonly api: 'identity' | 'ups';
  readonly type: ConcurValueType;
  readonly target: FieldTarget;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
  readonly format?: ConcurFormat;
  /** ISO codes: values are upper-cased before validation (Concur stores them upper case). */
  readonly upperCase?: boolean;
  /** Concur requires it on every user (Identity v4.1 minimal create body). */
  readonly required?: boolean;
  /** Concur accepts the field only when the user is created (e.g. spend testEmployee). */
  readonly setOnCreateOnly?: boolean;
}

export const EMAIL_TYPES: readonly EmailType[] = ['work', 'home', 'work2', 'other', 'other2'];
export const PHONE_TYPES: readonly PhoneType[] = ['work', 'home', 'mobile', 'fax', 'pager', 'other', 'work2'];
export const ADDRESS_TYPES: readonly AddressType[] = ['work', 'home', 'other', 'billing', 'bank', 'shipping'];
/** Identity v4.1 entitlements enum as the OpenAPI file lists it (SAP's prose names only the first four). */
export const ENTITLEMENTS = ['Expense', 'Invoice', 'Locate', 'Request', 'Travel', 'Analytics', 'Unified Analytics'] as const;
export const REIMBURSEMENT_TYPES = ['ACCOUNTS_PAYABLE', 'ADP_PAYROLL', 'CONCUR_PAY', 'OTHER'] as const;
export const SPEND_CUSTOM_IDS: readonly string[] = [
  ...Array.from({ length: 21 }, (_, i) => `custom${i + 1}`),
  ...Array.from({ length: 6 }, (_, i) => `orgUnit${i + 1}`),
];
/** UPS needs these to create a Spend profile; mapping any spend field requires them. */
export const SPEND_REQUIRED_FIELDS: readonly string[] = ['spend.reimbursementCurrency', 'spend.country', 'spend.locale'];

type Extra = Partial<Pick<ConcurFieldDef, 'minLength' | 'maxLength' | 'enum' | 'format' | 'upperCase' | 'required' | 'setOnCreateOnly'>>;

function field(name: string, schema: string, scimPath: string, type: ConcurValueType, target: FieldTarget, extra: Extra = {}): ConcurFieldDef {
  const api = schema === SCHEMA_SPEND || schema === SCHEMA_TRAVEL ? 'ups' : 'identity';
  return Object.freeze({ name, schema, scimPath, api, type, target, ...extra });
}

const core = (key: Extract<FieldTarget, { kind: 'core' }>['key'], type: ConcurValueType, extra?: Extra) =>
  field(key, SCHEMA_CORE, key, type, { kind: 'core', key }, extra);
const namePart = (key: Extract<FieldTarget, { kind: 'name' }>['key'], extra?: Extra) =>
  field(`name.${key}`, SCHEMA_CORE, `name.${key}`, 'string', { kind: 'name', key }, extra);
const enterprise = (key: Extract<FieldTarget, { kind: 'enterprise' }>['key'], type: ConcurValueType, extra?: Extra) =>
  field(key, SCHEMA_ENTERPRISE, key, type, { kind: 'enterprise', key }, extra);
const spend = (key: Extract<FieldTarget, { kind: 'spend' }>['key'], type: ConcurValueType, extra?: Extra) =>
  field(`spend.${key}`, SCHEMA_SPEND, key, type, { kind: 'spend', key }, extra);

/** Every field, in the order output arrays (emails, phones, addresses, customData) are built. */
export const CONCUR_FIELDS: readonly ConcurFieldDef[] = Object.freeze([
  core('userName', 'string', { format: 'userName', required: true }),
  core('active', 'boolean', { required: true }),
  core('externalId', 'string'),
  core('displayName', 'string', { maxLength: 60 }),
  core('nickName', 'string', { maxLength: 60 }),
  core('title', 'string', { maxLength: 255 }),
  core('preferredLanguage', 'string', { format: 'languageTag' }),
  core('timezone', 'string', { format: 'timezone' }),
  core('dateOfBirth', 'date'),
  core('entitlements', 'string-list', { enum: ENTITLEMENTS }),
  namePart('givenName', { maxLength: 32, required: true }),
  namePart('familyName', { maxLength: 32, required: true }),
  namePart('middleName', { maxLength: 60 }),
  namePart('honorificPrefix', { minLength: 1, maxLength: 60 }),
  namePart('honorificSuffix', { minLength: 1, maxLength: 60 }),
  ...EMAIL_TYPES.map((type) =>
    field(`emails.${type}`, SCHEMA_CORE, `emails[type eq "${type}"].value`, 'string', { kind: 'email', type }, { maxLength: 255, format: 'email' }),
  ),
  ...PHONE_TYPES.map((type) => field(`phoneNumbers.${type}`, SCHEMA_CORE, `phoneNumbers[type eq "${type}"].value`, 'string', { kind: 'phone', type }, { minLength: 1 })),
  ...ADDRESS_TYPES.flatMap((type) =>
    (
      [
        ['streetAddress', {}],
        ['locality', { maxLength: 30 }],
        ['region', { maxLength: 30 }],
        ['postalCode', { maxLength: 20 }],
        ['country', { format: 'countryCode', upperCase: true }],
      ] as Array<[AddressPart, Extra]>
    ).map(([part, extra]) => field(`addresses.${type}.${part}`, SCHEMA_CORE, `addresses[type eq "${type}"].${part}`, 'string', { kind: 'address', type, part }, extra)),
  ),
  enterprise('employeeNumber', 'string', { maxLength: 48 }),
  enterprise('costCenter', 'string', { maxLength: 25 }),
  enterprise('division', 'string', { maxLength: 48 }),
  enterprise('department', 'string'),
  enterprise('legalEntity', 'string'),
  enterprise('startDate', 'datetime'),
  enterprise('terminationDate', 'datetime'),
  field('manager.employeeNumber', SCHEMA_ENTERPRISE, 'manager.employeeNumber', 'string', { kind: 'manager', key: 'employeeNumber' }, { maxLength: 48 }),
  spend('reimbursementCurrency', 'string', { format: 'currencyCode', upperCase: true }),
  spend('country', 'string', { format: 'countryCode', upperCase: true }),
  spend('stateProvince', 'string', { format: 'subdivisionCode', upperCase: true }),
  spend('locale', 'string', { format: 'spendLocale' }),
  spend('ledgerCode', 'string', { maxLength: 20 }),
  spend('cashAdvanceAccountCode', 'string', { maxLength: 20 }),
  spend('reimbursementType', 'string', { enum: REIMBURSEMENT_TYPES, upperCase: true }),
  spend('budgetCountryCode', 'string', { format: 'countryCode', upperCase: true }),
  spend('testEmployee', 'boolean', { setOnCreateOnly: true }),
  spend('nonEmployee', 'boolean'),
  ...SPEND_CUSTOM_IDS.map((id) => field(`spend.${id}`, SCHEMA_SPEND, `customData[id eq "${id}"].value`, 'string', { kind: 'spendCustom', id })),
  field('travel.ruleClass', SCHEMA_TRAVEL, 'ruleClass.name', 'string', { kind: 'ruleClass', key: 'name' }),
  field('travel.ruleClassId', SCHEMA_TRAVEL, 'ruleClass.id', 'string', { kind: 'ruleClass', key: 'id' }, { format: 'digits' }),
  field('travel.travelCrsName', SCHEMA_TRAVEL, 'travelCrsName', 'string', { kind: 'travel', key: 'travelCrsName' }),
  field('travel.travelNameRemark', SCHEMA_TRAVEL, 'travelNameRemark', 'string', { kind: 'travel', key: 'travelNameRemark' }),
]);

const BY_NAME: ReadonlyMap<string, ConcurFieldDef> = new Map(CONCUR_FIELDS.map((f) => [f.name, f]));
const BY_LOWER_NAME: ReadonlyMap<string, ConcurFieldDef> = new Map(CONCUR_FIELDS.map((f) => [f.name.toLowerCase(), f]));

/**
 * PingFederate attribute names (PING-ATTR, camelCase) and User v1 XML names (V1, PascalCase) that
 * have a current equivalent. Keys are lower case: aliases match case-insensitively, so both
 * `loginId` and `LoginId` carry over.
 */
export const PINGFEDERATE_ALIASES: ReadonlyMap<string, string> = new Map<string, string>([
  ['loginid', 'userName'],
  ['empid', 'employeeNumber'],
  ['employeeid', 'employeeNumber'],
  ['firstname', 'name.givenName'],
  ['lastname', 'name.familyName'],
  // V1MAP maps Mi to name.middleInitial (≤1); Outbound sends it as middleName, which accepts it.
  ['mi', 'name.middleName'],
  ['middlename', 'name.middleName'],
  ['emailaddress', 'emails.work'],
  ['ledgerkey', 'spend.ledgerCode'],
  ['ledgername', 'spend.ledgerCode'],
  ['crnkey', 'spend.reimbursementCurrency'],
  ['crncode', 'spend.reimbursementCurrency'],
  ['ctrycode', 'spend.country'],
  ['ctrysubcode', 'spend.stateProvince'],
  ['localename', 'spend.locale'],
  ['cashadvanceaccountcode', 'spend.cashAdvanceAccountCode'],
  ['istestemp', 'spend.testEmployee'],
  ...SPEND_CUSTOM_IDS.map((id): [string, string] => [id.toLowerCase(), `spend.${id}`]),
]);

/**
 * PingFederate / v1 names with no field Outbound can write: refused at compile time with the
 * reason and what to do instead, never dropped silently.
 */
export const RETIRED_ALIASES: ReadonlyMap<string, string> = new Map<string, string>([
  ['password', 'Identity v4 takes no password: users sign in through SSO or set their password in Concur; remove this mapping'],
  ...['expenseuser', 'tripuser', 'invoiceuser'].map((n): [string, string] => [
    n,
    'v4 replaces the v1 Y/N product flags with Identity entitlements; map "entitlements" instead, e.g. expression: [isExpense = "Y" ? "Expense", isTravel = "Y" ? "Travel"]',
  ]),
  ...['expenseuserapprover', 'expenseapprover', 'invoiceuserapprover', 'invoiceapprover'].map((n): [string, string] => [
    n,
    'v4 grants approver rights through Spend roles (spend:2.0:Role), which Outbound does not provision; assign the role in Concur',
  ]),
  ['expenseapproveremployeeid', 'v4 sets approvers through the Spend Approver extension (spend:2.0:Approver), which Outbound does not provision'],
  ['newloginid', 'renames need no special field in v4: map userName, and Outbound updates it (users are tracked by source GUID)'],
  ['newemployeeid', 'renames need no special field in v4: map employeeNumber, and Outbound updates it (users are tracked by source GUID)'],
  ['feedrecordnumber', 'a v1 batch sequence number, meaningless in v4; remove this mapping'],
]);

export type FieldNameResolution =
  | { kind: 'field'; field: ConcurFieldDef; alias: boolean }
  | { kind: 'retired'; reason: string }
  | { kind: 'unknown'; suggestion?: string };

/** Resolves a mapping key (canonical name or PingFederate alias) to its Concur field. */
export function resolveFieldName(key: string): FieldNameResolution {
  const exact = BY_NAME.get(key);
  if (exact) return { kind: 'field', field: exact, alias: false };
  const lower = key.toLowerCase();
  const aliased = PINGFEDERATE_ALIASES.get(lower);
  if (aliased) return { kind: 'field', field: BY_NAME.get(aliased) as ConcurFieldDef, alias: true };
  const retired = RETIRED_ALIASES.get(lower);
  if (retired) return { kind: 'retired', reason: retired };
  return { kind: 'unknown', suggestion: BY_LOWER_NAME.get(lower)?.name };
}

/** The catalogue entry for a canonical field name. */
export function concurField(name: string): ConcurFieldDef | undefined {
  return BY_NAME.get(name);
}
