import { SCHEMA_ENTERPRISE, SCHEMA_SPEND, SCHEMA_TRAVEL } from '../../../src/domain/concur-user';
import { buildIdentityUserBody } from '../../../src/targets/concur/scim-user-builder';
import { buildDisablePatch, buildReactivatePatch, buildUpdatePatch, concurDateTime, existingEntries } from '../../../src/targets/concur/scim-patch-builder';
import { concurFieldRemovalPath, concurFieldScimPath } from '../../../src/targets/concur/scim-paths';
import { buildExtensionOperations, extensionBulkOperation } from '../../../src/targets/concur/ups-operation-builder';
import { bulkBody, splitBulkOperations, BulkOperationTooLargeError } from '../../../src/targets/concur/ups-bulk-splitter';
import { ContractValidator } from './support/openapi-contract';
import { COMPANY_ID, USER_ID, desiredUser } from './support/mock-concur';

const contract = new ContractValidator();
const patchOn = (body: unknown) => contract.check({ method: 'PATCH', path: `/profile/identity/v4.1/Users/${USER_ID}`, body });

describe('concurFieldScimPath', () => {
  test.each([
    ['title', 'title'],
    ['userName', 'userName'],
    ['name.middleName', 'name.middleName'],
    ['emails.work', 'emails[type eq "work"].value'],
    ['phoneNumbers.mobile', 'phoneNumbers[type eq "mobile"].value'],
    ['addresses.home.postalCode', 'addresses[type eq "home"].postalCode'],
    ['costCenter', `${SCHEMA_ENTERPRISE}:costCenter`],
    ['terminationDate', `${SCHEMA_ENTERPRISE}:terminationDate`],
    ['manager.employeeNumber', `${SCHEMA_ENTERPRISE}:manager`],
    ['spend.ledgerCode', `${SCHEMA_SPEND}:ledgerCode`],
    ['spend.custom3', `${SCHEMA_SPEND}:customData[id eq "custom3"].value`],
    ['travel.ruleClass', `${SCHEMA_TRAVEL}:ruleClass.name`],
  ])('%s → %s', (field, path) => expect(concurFieldScimPath(field)).toBe(path));

  test('removal of a typed entry removes the entry, not just its value', () => {
    expect(concurFieldRemovalPath('phoneNumbers.mobile')).toBe('phoneNumbers[type eq "mobile"]');
    expect(concurFieldRemovalPath('spend.orgUnit2')).toBe(`${SCHEMA_SPEND}:customData[id eq "orgUnit2"]`);
    expect(concurFieldRemovalPath('name.middleName')).toBe('name.middleName');
  });

  test('an unknown field is a data error naming it', () => {
    expect(() => concurFieldScimPath('spend.ledger')).toThrow(expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'spend.ledger' }));
  });
});

describe('create body', () => {
  test('minimal user: schemas, companyId from the connection, no empty attributes; passes the contract', () => {
    const body = buildIdentityUserBody(desiredUser({ title: '', phoneNumbers: [] }), { companyId: COMPANY_ID });
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', SCHEMA_ENTERPRISE],
      userName: 'ada.lovelace@example.org',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada.lovelace@example.org' }],
      [SCHEMA_ENTERPRISE]: { companyId: COMPANY_ID, employeeNumber: 'E1001' },
    });
    contract.check({ method: 'POST', path: '/profile/identity/v4.1/Users', body });
  });

  test('full user with manager UUID passes the contract', () => {
    const d = desiredUser({
      title: 'Analyst',
      externalId: 'guid-1',
      timezone: 'Europe/London',
      preferredLanguage: 'en-GB',
      entitlements: ['Expense', 'Travel'],
      phoneNumbers: [{ type: 'mobile', value: '+44 1' }],
      addresses: [{ type: 'work', locality: 'London', country: 'GB' }],
      enterprise: { employeeNumber: 'E1001', costCenter: 'CC1', startDate: '2024-01-01T00:00:00Z', manager: { employeeNumber: 'E1' } },
    });
    const body = buildIdentityUserBody(d, { companyId: COMPANY_ID, managerId: USER_ID });
    expect(body[SCHEMA_ENTERPRISE]).toMatchObject({ manager: { value: USER_ID }, costCenter: 'CC1' });
    contract.check({ method: 'POST', path: '/profile/identity/v4.1/Users', body });
  });
});

describe('update patch', () => {
  test('replaces every managed field, skips createOnly, removes clear paths; passes the contract', () => {
    const d = desiredUser(
      { title: 'Analyst', phoneNumbers: [{ type: 'work', value: '+1 555' }], enterprise: { employeeNumber: 'E1001', costCenter: 'CC9', division: 'D' } },
      { clear: ['name.middleName', 'phoneNumbers.mobile', 'department'], createOnly: ['division'] },
    );
    const body = buildUpdatePatch(d);
    patchOn(body);
    const ops = body.Operations;
    expect(ops).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: 'userName', value: 'ada.lovelace@example.org' },
        { op: 'replace', path: 'active', value: true },
        { op: 'replace', path: 'title', value: 'Analyst' },
        { op: 'replace', path: 'name.givenName', value: 'Ada' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada.lovelace@example.org' },
        { op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555' },
        { op: 'replace', path: `${SCHEMA_ENTERPRISE}:costCenter`, value: 'CC9' },
        { op: 'remove', path: 'name.middleName' },
        { op: 'remove', path: 'phoneNumbers[type eq "mobile"]' },
        { op: 'remove', path: `${SCHEMA_ENTERPRISE}:department` },
      ]),
    );
    expect(ops.find((o) => o.path?.endsWith(':division'))).toBeUndefined();
    expect(ops.find((o) => o.path?.includes('companyId'))).toBeUndefined();
    // Spend/Travel never go to Identity.
    expect(ops.find((o) => o.path?.includes(':spend:'))).toBeUndefined();
  });

  test('with existing entries known (after noTarget): missing types are added, absent removals dropped', () => {
    const d = desiredUser(
      { phoneNumbers: [{ type: 'mobile', value: '+1' }], addresses: [{ type: 'home', locality: 'Leeds', postalCode: 'LS1' }] },
      { clear: ['phoneNumbers.fax', 'emails.home'] },
    );
    const body = buildUpdatePatch(d, { existing: existingEntries({ emails: [{ type: 'work' }, { type: 'home' }], phoneNumbers: [] }) });
    patchOn(body);
    expect(body.Operations).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada.lovelace@example.org' },
        { op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '+1' }] },
        { op: 'add', path: 'addresses', value: [{ type: 'home', locality: 'Leeds', postalCode: 'LS1' }] },
        { op: 'remove', path: 'emails[type eq "home"]' },
      ]),
    );
    expect(body.Operations.find((o) => o.path === 'phoneNumbers[type eq "fax"]')).toBeUndefined();
  });

  test('disable = active false + terminationDate without fraction (A8); reactivate clears it', () => {
    const at = new Date('2026-01-31T10:11:12.345Z');
    const disable = buildDisablePatch(at);
    expect(disable.Operations).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: `${SCHEMA_ENTERPRISE}:terminationDate`, value: '2026-01-31T10:11:12Z' },
    ]);
    patchOn(disable);
    expect(concurDateTime(at)).toBe('2026-01-31T10:11:12Z');
    const plain = buildReactivatePatch();
    expect(plain.Operations).toEqual([
      { op: 'replace', path: 'active', value: true },
      { op: 'remove', path: `${SCHEMA_ENTERPRISE}:terminationDate` },
    ]);
    patchOn(plain);
    const full = buildReactivatePatch(desiredUser({ active: false, title: 'Back' }));
    expect(full.Operations).toEqual(expect.arrayContaining([{ op: 'replace', path: 'active', value: true }, { op: 'remove', path: `${SCHEMA_ENTERPRISE}:terminationDate` }]));
    patchOn(full);
    const leaving = buildReactivatePatch(desiredUser({ enterprise: { employeeNumber: 'E1001', terminationDate: '2030-01-01T00:00:00Z' } }));
    expect(leaving.Operations.filter((o) => o.path?.endsWith('terminationDate'))).toEqual([
      { op: 'replace', path: `${SCHEMA_ENTERPRISE}:terminationDate`, value: '2030-01-01T00:00:00Z' },
    ]);
  });
});

describe('UPS extension operations', () => {
  const spendUser = () =>
    desiredUser(
      {},
      {
        spend: { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US', ledgerCode: 'DEFAULT', testEmployee: true, customData: [{ id: 'custom3', value: 'X1' }] },
        travel: { ruleClass: { id: '12' }, travelCrsName: 'LOVELACE/ADA' },
        clear: ['spend.stateProvince', 'spend.orgUnit1', 'name.middleName'],
      },
    );

  test('create: per-attribute replaces, testEmployee included, customData as a list, ruleClass id as integer', () => {
    const ops = buildExtensionOperations(spendUser(), 'create');
    expect(ops).toEqual([
      { op: 'replace', path: `${SCHEMA_SPEND}:reimbursementCurrency`, value: 'USD' },
      { op: 'replace', path: `${SCHEMA_SPEND}:country`, value: 'US' },
      { op: 'replace', path: `${SCHEMA_SPEND}:locale`, value: 'en-US' },
      { op: 'replace', path: `${SCHEMA_SPEND}:ledgerCode`, value: 'DEFAULT' },
      { op: 'replace', path: `${SCHEMA_SPEND}:testEmployee`, value: true },
      { op: 'replace', path: `${SCHEMA_TRAVEL}:travelCrsName`, value: 'LOVELACE/ADA' },
      { op: 'replace', path: `${SCHEMA_SPEND}:customData`, value: [{ id: 'custom3', value: 'X1' }] },
      { op: 'replace', path: `${SCHEMA_TRAVEL}:ruleClass`, value: { id: 12 } },
    ]);
  });

  test('update: no testEmployee, custom fields through their filter path, clears become removes; bulk passes the contract', () => {
    const op = extensionBulkOperation(USER_ID, spendUser(), 'update', 'guid-1')!;
    const ops = (op.data as { Operations: Array<{ op: string; path: string }> }).Operations;
    expect(ops.find((o) => o.path.endsWith(':testEmployee'))).toBeUndefined();
    expect(ops).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: `${SCHEMA_SPEND}:customData[id eq "custom3"].value`, value: 'X1' },
        { op: 'remove', path: `${SCHEMA_SPEND}:stateProvince` },
        { op: 'remove', path: `${SCHEMA_SPEND}:customData[id eq "orgUnit1"]` },
      ]),
    );
    expect(ops.find((o) => o.path === 'name.middleName')).toBeUndefined();
    expect(op).toMatchObject({ method: 'PATCH', path: `/Users/${USER_ID}`, bulkId: 'guid-1' });
    contract.check({ method: 'POST', path: '/profile/v4/Bulk', body: bulkBody([op]) });
  });

  test('a user without Spend/Travel needs no UPS operation', () => {
    expect(extensionBulkOperation(USER_ID, desiredUser(), 'update')).toBeUndefined();
  });
});

describe('bulk splitting', () => {
  const op = (i: number, pad = 0) => ({ method: 'PATCH' as const, path: `/Users/${USER_ID}`, bulkId: `b${i}`, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'x', value: 'v'.repeat(pad) }] } });

  test('at 100 operations', () => {
    const chunks = splitBulkOperations(Array.from({ length: 250 }, (_, i) => op(i)));
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.flat().map((o) => o.bulkId)).toEqual(Array.from({ length: 250 }, (_, i) => `b${i}`));
  });

  test('at 400 KB, every request within the limit', () => {
    const ops = Array.from({ length: 30 }, (_, i) => op(i, 50_000));
    const chunks = splitBulkOperations(ops);
    expect(chunks.length).toBe(4);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(bulkBody(c)))).toBeLessThanOrEqual(400 * 1024);
    expect(chunks.flat().length).toBe(30);
  });

  test('an operation larger than a request is refused', () => {
    expect(() => splitBulkOperations([op(1, 420_000)])).toThrow(BulkOperationTooLargeError);
  });
});
