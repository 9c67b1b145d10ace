import { LEGACY_V1_BASE, LIMITS, SCOPES, URN_ENTERPRISE, URN_SPEND } from './constants';
import { ConcurApiError } from './concur-error';
import { isRecord } from './attribute-path';
import type { Router, SimRequest, SimResponse } from './router';
import type { SimContext } from './sim-context';
import type { AccessGrant } from './token-registry';
import { createUser, replaceUser } from './user-writes';
import type { StoredUser } from './user-store';
import { escapeXml, parseXml, XmlSyntaxError, type XmlElement } from './xml-lite';

/**
 * Legacy User v1.0 XML (digest §6), behind `legacyV1`: what PingFederate's connector used. Users
 * live in the same store as Identity users; v1 fields map onto Identity and the Spend extension.
 */
const NS_READ = 'https://www.concursolutions.com/api/user/2011/02';
const NS_BATCH = 'http://www.concursolutions.com/api/user/2011/02';
const XML = 'application/xml; charset=utf-8';

class LegacyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LegacyError';
  }
}

function errorXml(status: number, message: string): SimResponse {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><StatusCode>${status}</StatusCode><Content><Error><Message>${escapeXml(message)}</Message><Server-Time>${new Date().toISOString()}</Server-Time><Id>${Math.random().toString(16).slice(2, 10).toUpperCase()}</Id></Error></Content></Error>`;
  return { status, body, contentType: XML };
}

/** `Authorization: OAuth <token>`: missing → 401, bad → 403 (digest §6.5). Bearer also accepted (BASE). */
function legacyGrant(ctx: SimContext, req: SimRequest): AccessGrant {
  const h = req.headers.authorization;
  if (!h) throw new LegacyError(401, 'Authorization header is missing');
  const m = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(String(h));
  const found = ctx.tokens.lookup(m?.[1]);
  if (!found.ok) throw new LegacyError(403, 'Invalid, expired or revoked token');
  if (!found.grant.scopes.has(SCOPES.legacyUser) && found.grant.type !== 'user') throw new LegacyError(403, 'The application is not allowed to manage users for this company');
  return found.grant;
}

const ORDER = [
  'LoginId', 'FirstName', 'LastName', 'Mi', 'EmailAddress', 'EmpId', 'Active',
  ...[1, 2, 3, 4, 5, 6].map((n) => `OrgUnit${n}`),
  ...Array.from({ length: 21 }, (_, n) => `Custom${n + 1}`),
  'LedgerName', 'LocaleName', 'CtryCode', 'CrnCode', 'CtrySubCode',
  'ExpenseUser', 'ExpenseApprover', 'TripUser', 'InvoiceUser', 'InvoiceApprover',
  'ExpenseApproverEmployeeID', 'IsTestEmp', 'CashAdvanceAccountCode',
];

function fieldsOf(u: StoredUser): Record<string, string> {
  const r = u.resource;
  const name = isRecord(r.name) ? r.name : {};
  const ent = isRecord(r[URN_ENTERPRISE]) ? (r[URN_ENTERPRISE] as Record<string, unknown>) : {};
  const spend = u.extensions[URN_SPEND] ?? {};
  const emails = Array.isArray(r.emails) ? (r.emails as Array<Record<string, unknown>>) : [];
  const ents = Array.isArray(r.entitlements) ? (r.entitlements as string[]) : [];
  const custom = Array.isArray(spend.customData) ? (spend.customData as Array<{ id: string; value: string }>) : [];
  const out: Record<string, string> = {
    LoginId: String(r.userName ?? ''),
    FirstName: String(name.givenName ?? ''),
    LastName: String(name.familyName ?? ''),
    Mi: String(name.middleInitial ?? ''),
    EmailAddress: String((emails.find((e) => e.type === 'work') ?? emails[0])?.value ?? ''),
    EmpId: String(ent.employeeNumber ?? ''),
    Active: r.active === false ? 'N' : 'Y',
    LedgerName: String(spend.ledgerCode ?? ''),
    LocaleName: String(spend.locale ?? r.preferredLanguage ?? '').replace('-', '_'),
    CtryCode: String(spend.country ?? ''),
    CrnCode: String(spend.reimbursementCurrency ?? ''),
    CtrySubCode: spend.stateProvince && spend.country ? `${String(spend.country)}-${String(spend.stateProvince)}` : '',
    ExpenseUser: ents.includes('Expense') ? 'Y' : 'N',
    TripUser: ents.includes('Travel') ? 'Y' : 'N',
    InvoiceUser: ents.includes('Invoice') ? 'Y' : 'N',
    IsTestEmp: spend.testEmployee ? 'Y' : 'N',
    CashAdvanceAccountCode: String(spend.cashAdvanceAccountCode ?? ''),
  };
  for (const c of custom) out[c.id.replace(/^custom/, 'Custom').replace(/^orgUnit/, 'OrgUnit')] = c.value;
  return out;
}

function profileXml(u: StoredUser): string {
  const f = fieldsOf(u);
  const kids = ORDER.map((k) => (f[k] ? `<${k}>${escapeXml(f[k])}</${k}>` : `<${k} />`)).join('');
  return `<?xml version="1.0" encoding="utf-8"?><UserProfile xmlns="${NS_READ}">${kids}</UserProfile>`;
}

function childMap(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  // Field names are matched case-insensitively: the docs disagree on LoginId/LoginID (digest §6.3).
  for (const c of el.children) out[c.name.toLowerCase()] = c.text.trim();
  return out;
}

function yn(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  return v.toUpperCase() === 'Y';
}

/** One `<UserProfile>` → an Identity body (+ Spend extension), merged over the existing user. */
function toIdentityBody(f: Record<string, string>, existing: StoredUser | undefined, companyId: string): Record<string, unknown> {
  const base: Record<string, unknown> = existing ? structuredClone({ ...existing.resource, ...existing.extensions }) : { schemas: [] };
  const name = (isRecord(base.name) ? base.name : {}) as Record<string, unknown>;
  const ent = (isRecord(base[URN_ENTERPRISE]) ? base[URN_ENTERPRISE] : { companyId }) as Record<string, unknown>;
  const spend = (isRecord(base[URN_SPEND]) ? base[URN_SPEND] : {}) as Record<string, unknown>;
  const login = f.newloginid || f.loginid;
  if (login) base.userName = login;
  if (f.firstname) name.givenName = f.firstname;
  if (f.lastname) name.familyName = f.lastname;
  if (f.mi) name.middleInitial = f.mi;
  base.name = name;
  const email = f.emailaddress || (!existing ? login : undefined);
  if (email) base.emails = [{ type: 'work', value: email }];
  const active = yn(f.active);
  if (active !== undefined) base.active = active;
  ent.employeeNumber = f.newemployeeid || f.empid;
  base[URN_ENTERPRISE] = ent;
  if (f.localename) {
    base.preferredLanguage = f.localename.replace('_', '-');
    spend.locale = f.localename.replace('_', '-');
  }
  if (f.ledgerkey) spend.ledgerCode = f.ledgerkey;
  if (f.crnkey) spend.reimbursementCurrency = f.crnkey;
  if (f.ctrycode) spend.country = f.ctrycode;
  if (f.ctrysubcode) spend.stateProvince = f.ctrysubcode.split('-').pop();
  if (f.cashadvanceaccountcode) spend.cashAdvanceAccountCode = f.cashadvanceaccountcode;
  const custom = new Map<string, string>(Array.isArray(spend.customData) ? (spend.customData as Array<{ id: string; value: string }>).map((c) => [c.id, c.value]) : []);
  for (const [k, v] of Object.entries(f)) {
    const m = /^(custom|orgunit)(\d+)$/.exec(k);
    if (m && v) custom.set(`${m[1] === 'custom' ? 'custom' : 'orgUnit'}${m[2]}`, v);
  }
  if (custom.size) spend.customData = [...custom].map(([id, value]) => ({ id, value }));
  if (Object.keys(spend).length) base[URN_SPEND] = spend;
  const ents = new Set(Array.isArray(base.entitlements) ? (base.entitlements as string[]) : []);
  for (const [flag, ent2] of [['expenseuser', 'Expense'], ['tripuser', 'Travel'], ['invoiceuser', 'Invoice']] as const) {
    const v = yn(f[flag]);
    if (v === true) ents.add(ent2);
    if (v === false) ents.delete(ent2);
  }
  if (ents.size) base.entitlements = [...ents];
  else delete base.entitlements;
  return base;
}

const LIMITS_V1: Array<[string, number]> = [['empid', 48], ['loginid', 128], ['newloginid', 128], ['newemployeeid', 48], ['firstname', 32], ['lastname', 32], ['mi', 1], ['emailaddress', 255], ['ledgerkey', 20], ['crnkey', 3], ['ctrycode', 2], ['localename', 5], ['password', 255]];

function processRecord(ctx: SimContext, g: AccessGrant, f: Record<string, string>): void {
  const missing = ['empid', 'feedrecordnumber', 'loginid'].filter((k) => !f[k]);
  const existing = f.empid ? ctx.store.byEmployeeNumber(g.companyId, f.empid) ?? undefined : undefined;
  if (!existing) missing.push(...['active', 'password', 'ledgerkey', 'firstname', 'lastname'].filter((k) => !f[k]));
  const canonical: Record<string, string> = { empid: 'EmpId', feedrecordnumber: 'FeedRecordNumber', loginid: 'LoginId', active: 'Active', password: 'Password', ledgerkey: 'LedgerKey', firstname: 'FirstName', lastname: 'LastName' };
  if (missing.length) throw new Error(`MISSING_REQUIRED_FIELDS:${missing.map((k) => canonical[k]).join(',')}`);
  for (const [k, max] of LIMITS_V1) if (f[k] && f[k].length > max) throw new Error(`INVALID_FIELD_LENGTH:${k}`);
  if (!f.loginid.includes('@')) throw new Error('INVALID_LOGIN_ID:LoginId must contain @');
  if (f.expenseapproveremployeeid && !ctx.store.byEmployeeNumber(g.companyId, f.expenseapproveremployeeid)) throw new Error('INVALID_APPROVER:ExpenseApproverEmployeeID');
  const body = toIdentityBody(f, existing, g.companyId);
  try {
    if (existing) {
      const { user, extensions } = replaceUser(ctx, existing, body, 'upsUser');
      if (Object.keys(extensions).length) ctx.store.update(user, user.resource, ctx.now(), { ...user.extensions, ...extensions });
    } else {
      const { user, extensions } = createUser(ctx, g, body, 'upsUser', { password: f.password });
      if (Object.keys(extensions).length) ctx.store.update(user, user.resource, ctx.now(), extensions);
    }
  } catch (err) {
    if (err instanceof ConcurApiError) throw new Error(`INVALID_VALUE:${err.messages.map((m) => m.schemaPath ?? m.message).join(',') || err.detail}`, { cause: err });
    throw err;
  }
}

export function legacyV1Routes(router: Router, ctx: SimContext): void {
  const guard = (fn: (req: SimRequest) => SimResponse) => (req: SimRequest) => {
    try {
      return fn(req);
    } catch (err) {
      if (err instanceof LegacyError) return errorXml(err.status, err.message);
      if (err instanceof XmlSyntaxError) return errorXml(400, `Malformed XML: ${err.message}`);
      throw err;
    }
  };

  router.add('GET', `${LEGACY_V1_BASE}/User`, guard((req) => {
    const g = legacyGrant(ctx, req);
    const login = req.query.get('loginID') ?? req.query.get('loginId');
    let u: StoredUser | undefined;
    if (login) u = ctx.store.byUserNameAnyCompany(login);
    else if (g.userId) u = ctx.store.get(g.userId);
    else {
      // A company token has no user of its own: answer with the company's web-services admin.
      const r = `<?xml version="1.0" encoding="utf-8"?><UserProfile xmlns="${NS_READ}"><LoginId>wsadmin@${escapeXml(g.companyId)}</LoginId><FirstName>Web Services</FirstName><LastName>Administrator</LastName><EmpId>WSADMIN</EmpId><Active>Y</Active></UserProfile>`;
      return { status: 200, body: r, contentType: XML };
    }
    if (!u || u.companyId !== g.companyId) return errorXml(404, 'User not found');
    return { status: 200, body: profileXml(u), contentType: XML };
  }));

  router.add('POST', `${LEGACY_V1_BASE}/Users`, guard((req) => {
    const g = legacyGrant(ctx, req);
    const root = parseXml(req.rawBody);
    if (root.name !== 'batch') return errorXml(400, 'The root element must be <batch>');
    const profiles = root.children.filter((c) => c.name === 'UserProfile');
    if (profiles.length === 0 || profiles.length > LIMITS.legacyMaxBatch) return errorXml(400, `A batch must hold 1 to ${LIMITS.legacyMaxBatch} users`);
    const ok: string[] = [];
    const bad: string[] = [];
    for (const p of profiles) {
      const f = childMap(p);
      const ids = `<EmployeeID>${escapeXml(f.empid ?? '')}</EmployeeID><FeedRecordNumber>${escapeXml(f.feedrecordnumber ?? '')}</FeedRecordNumber>`;
      try {
        ctx.checkPoison(f.loginid);
        processRecord(ctx, g, f);
        ok.push(`<UserInfo>${ids}<Status>SUCCESS</Status></UserInfo>`);
      } catch (err) {
        const message = err instanceof ConcurApiError ? `INVALID_VALUE:${err.detail}` : (err as Error).message;
        bad.push(`<error>${ids}<message>${escapeXml(message)}</message></error>`);
      }
    }
    const body = `<?xml version="1.0" encoding="utf-8"?><user-batch-result xmlns="${NS_BATCH}"><records-succeeded>${ok.length}</records-succeeded><records-failed>${bad.length}</records-failed><errors>${bad.join('')}</errors><UserDetails>${ok.join('')}</UserDetails></user-batch-result>`;
    return { status: 200, body, contentType: XML };
  }));
}
