import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestValidator, RequestValidationError, schemaPathOf } from '../../../simulators/concur/request-validator';
import { toJsonSchema } from '../../../simulators/concur/openapi-schemas';
import { checkUserRules, checkCompany } from '../../../simulators/concur/user-rules';
import { ConcurApiError } from '../../../simulators/concur/concur-error';
import { DEFAULT_REQUIRED_FIELDS } from '../../../simulators/concur/options';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const validator = new RequestValidator();
const user = (over: Record<string, unknown> = {}) => ({
  userName: 'ada@example.org',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.org', type: 'work' }],
  [ENT]: { companyId: 'c1', employeeNumber: 'E1' },
  ...over,
});

function rejection(fn: () => void): ConcurApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConcurApiError) return err;
    throw err;
  }
  throw new Error('expected a ConcurApiError');
}

describe('vendored OpenAPI files', () => {
  const ref = '/work/shared/reference/concur';
  const files = ['identity-v4.1.swagger2.json', 'user-provisioning-v4.swagger2.json'];
  (existsSync(ref) ? it.each(files) : it.skip.each(files))('%s equals the reference copy', (f) => {
    const vendored = readFileSync(join(__dirname, '../../../simulators/concur/openapi', f));
    expect(vendored.equals(readFileSync(join(ref, f)))).toBe(true);
  });
});

describe('OpenAPI → JSON Schema', () => {
  it('handles nullable, example, x- extensions, refs and array length quirks', () => {
    const root = { components: { schemas: { N: { type: 'string', nullable: true, example: 'x', 'x-sap': 1, enum: ['a'] } } } };
    expect(toJsonSchema({ $ref: '#/components/schemas/N' }, root)).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    expect(toJsonSchema({ type: 'array', maxLength: 1, items: { type: 'string' } }, root)).toEqual({ type: 'array', maxItems: 1, items: { type: 'string' } });
    expect(toJsonSchema({ type: 'object', enum: ['A', 'B'] }, root)).toEqual({ type: 'string', enum: ['A', 'B'] });
  });
});

describe('request validation against the OpenAPI files', () => {
  it('accepts the minimal create body (digest A4)', () => {
    expect(() => validator.check('identityUser', user())).not.toThrow();
  });

  it('answers Concur error bodies with schemaPath per problem (digest A9)', () => {
    const err = rejection(() => validator.check('identityUser', user({ name: { givenName: 'x'.repeat(40), familyName: 'L' } })));
    expect(err).toBeInstanceOf(RequestValidationError);
    expect(err.toBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error', 'urn:ietf:params:scim:api:messages:concur:2.0:Error'],
      status: '400',
      scimType: 'invalidValue',
      detail: expect.stringContaining('name.givenName'),
      'urn:ietf:params:scim:api:messages:concur:2.0:Error': {
        messages: [{ code: 'INVALID_VALUE', message: expect.any(String), schemaPath: 'name.givenName', type: 'error' }],
      },
    });
  });

  it('names missing and extension attributes the Concur way', () => {
    const missing = rejection(() => validator.check('identityUser', user({ userName: undefined })));
    expect(missing.messages.map((m) => m.schemaPath)).toEqual(['userName']);
    const ext = rejection(() => validator.check('identityUser', user({ [ENT]: { companyId: 'c1', employeeNumber: 'E'.repeat(49) } })));
    expect(ext.messages[0].schemaPath).toBe(`${ENT}:employeeNumber`);
    const email = rejection(() => validator.check('identityUser', user({ emails: [{ value: 'a@b', type: 'office' }] })));
    expect(email.messages[0].schemaPath).toBe('emails[type eq "office"].type');
  });

  it('accepts non-object PATCH values and UPS Operations arrays despite the files', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
    expect(() => validator.check('identityPatch', body)).not.toThrow();
    expect(() => validator.check('upsPatch', body)).not.toThrow();
    expect(() => validator.check('upsPatch', { ...body, Operations: [{ op: 'move' }] })).toThrow(RequestValidationError);
  });

  it('validates UPS extensions apart from identity', () => {
    const spend = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
    expect(validator.checkExtension(spend, { country: 'US', locale: 'en-US', reimbursementCurrency: 'USD' })).toEqual([]);
    expect(validator.checkExtension(spend, { country: 'USA', locale: 'en-US', reimbursementCurrency: 'USD' })[0].schemaPath).toBe(`${spend}:country`);
  });

  it('builds filter-style schema paths for typed elements', () => {
    expect(schemaPathOf('/emails/1/value', { emails: [{ type: 'work' }, { type: 'home' }] })).toBe('emails[type eq "home"].value');
    expect(schemaPathOf('/addresses/0', { addresses: [{}] }, 'type')).toBe('addresses[0].type');
  });
});

describe("Concur's rules beyond the schema", () => {
  it('rejects forbidden userName characters and duplicate email types', () => {
    const err = rejection(() => checkUserRules(user({ userName: 'ada+1@example.org', emails: [{ type: 'work', value: 'a@b' }, { type: 'work', value: 'c@d' }] }), DEFAULT_REQUIRED_FIELDS));
    expect(err.messages.map((m) => m.schemaPath)).toEqual(['userName', 'emails[type eq "work"]']);
  });

  it('checks dates and per-tenant required fields', () => {
    const err = rejection(() => checkUserRules(user({ [ENT]: { companyId: 'c1', terminationDate: '2026-01-31' } }), [...DEFAULT_REQUIRED_FIELDS, 'title']));
    expect(err.messages.map((m) => m.schemaPath)).toEqual([`${ENT}:terminationDate`, 'title']);
  });

  it('keeps companyId immutable and tied to the token', () => {
    expect(rejection(() => checkCompany(user(), 'c1', 'c0')).scimType).toBe('mutability');
    expect(rejection(() => checkCompany(user(), 'c2')).messages[0].schemaPath).toBe(`${ENT}:companyId`);
    expect(() => checkCompany(user(), 'c1', 'c1')).not.toThrow();
  });
});
