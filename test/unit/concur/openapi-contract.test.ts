import { ContractValidator, attributeSchema, compile, contractSchemas, literalSchemas } from './support/openapi-contract';

// SAP's own examples from the digest (section A), byte for byte in structure.
const A4 = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'ada.lovelace@example.org',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada.lovelace@example.org', type: 'work' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { companyId: '11111111-2222-3333-4444-555555555555', employeeNumber: 'E1001' },
};
const A7 = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'name.familyName', value: 'King' }] };

describe('OpenAPI contract relaxations are each needed and no wider than SAP examples', () => {
  const literal = literalSchemas();
  const relaxed = contractSchemas();

  test('R1: the literal User schema rejects SAP minimal create (A4); the relaxed one accepts it', () => {
    const strict = compile(literal.identityUser);
    expect(strict(A4)).toBe(false);
    expect(strict.errors?.map((e) => e.params)).toEqual(expect.arrayContaining([{ missingProperty: 'id' }]));
    expect(compile(relaxed.identityUser)(A4)).toBe(true);
  });

  test('R1 keeps real requirements: no userName, no emails or no companyId still fails', () => {
    const v = compile(relaxed.identityUser);
    const { userName: _u, ...noUserName } = A4;
    expect(v(noUserName)).toBe(false);
    expect(v({ ...A4, emails: [{ value: 'x@example.org' }] })).toBe(false);
    expect(v({ ...A4, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: 'E1' } })).toBe(false);
    expect(v({ ...A4, name: { givenName: 'A'.repeat(10), familyName: 'L' }, title: 'x'.repeat(256) })).toBe(false);
  });

  test('R2: the literal PatchBody rejects SAP A7 (string value); the relaxed one accepts it but not a bad op', () => {
    expect(compile(literal.identityPatch)(A7)).toBe(false);
    const v = compile(relaxed.identityPatch);
    expect(v(A7)).toBe(true);
    expect(v({ ...A7, Operations: [{ op: 'merge', path: 'title', value: 'x' }] })).toBe(false);
    expect(v({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })).toBe(false);
  });

  test('R3/R4: literal UPS schemas reject a PATCH bulk op on /Users/{uuid}; relaxed ones demand bulkId on POST', () => {
    const bulk = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'PATCH', path: '/Users/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', bulkId: 'b1', data: A7 }],
    };
    expect(compile(literal.upsBulk)(bulk)).toBe(false);
    expect(compile(literal.upsPatch)(A7)).toBe(false);
    const v = compile(relaxed.upsBulk);
    expect(v(bulk)).toBe(true);
    expect(v({ ...bulk, Operations: [{ method: 'POST', path: '/Users', data: A4 }] })).toBe(false);
    expect(v({ ...bulk, Operations: [{ method: 'PATCH', path: '/Groups/1', data: A7 }] })).toBe(false);
  });

  test('PATCH paths must name a real attribute and values must fit it', () => {
    const user = relaxed.identityUser;
    expect(attributeSchema(user, 'name.familyName')).toMatchObject({ type: 'string', maxLength: 32 });
    expect(attributeSchema(user, 'emails[type eq "work"].value')).toMatchObject({ maxLength: 255 });
    expect(attributeSchema(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:terminationDate')).toBeDefined();
    expect(attributeSchema(user, 'name.nickname')).toBeUndefined();
    expect(attributeSchema(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:ledgerCode')).toBeUndefined();
    const validator = new ContractValidator();
    expect(() =>
      validator.check({ method: 'PATCH', path: '/profile/identity/v4.1/Users/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', body: { ...A7, Operations: [{ op: 'replace', path: 'name.familyName', value: 'K'.repeat(33) }] } }),
    ).toThrow(/maxLength|must NOT have more than 32/);
    expect(() => validator.check({ method: 'PATCH', path: '/profile/identity/v4.1/Users/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', body: { ...A7, Operations: [{ op: 'replace', path: 'costCenter', value: 'C' }] } })).toThrow(
      /names no attribute/,
    );
    expect(() => validator.check({ method: 'POST', path: '/profile/identity/v4.1/Users/.search', body: { filter: 'userName eq "x"' } })).toThrow(/SearchRequest/);
  });
});
