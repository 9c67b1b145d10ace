import { canonicalJson, stableHash } from '../../../src/domain/hashing';

describe('stableHash', () => {
  it('is a sha256 hex digest of canonical JSON', () => {
    expect(stableHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });

  it('does not depend on key order, at any depth', () => {
    const a = { identity: { userName: 'u', name: { givenName: 'g', familyName: 'f' } }, clear: [] };
    const b = { clear: [], identity: { name: { familyName: 'f', givenName: 'g' }, userName: 'u' } };
    expect(stableHash(a)).toBe(stableHash(b));
  });

  it('changes with any value, type or array order', () => {
    const base = stableHash({ a: ['x', 'y'], b: true, c: '1' });
    expect(stableHash({ a: ['y', 'x'], b: true, c: '1' })).not.toBe(base);
    expect(stableHash({ a: ['x', 'y'], b: false, c: '1' })).not.toBe(base);
    expect(stableHash({ a: ['x', 'y'], b: true, c: 1 })).not.toBe(base);
    expect(stableHash({ a: ['x', 'y'], b: true, c: '1 ' })).not.toBe(base);
    expect(stableHash({ a: ['x', 'y'], b: true, c: '1', d: null })).not.toBe(base);
  });

  it('follows JSON for undefined, functions, dates and non-finite numbers', () => {
    expect(canonicalJson({ a: undefined, b: 1, f: () => 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, NaN, new Date(0)])).toBe('[null,null,"1970-01-01T00:00:00.000Z"]');
    expect(stableHash({ a: undefined, b: 1 })).toBe(stableHash({ b: 1 }));
  });

  it('keeps unusual keys and unicode distinct', () => {
    const proto = JSON.parse('{"__proto__": "x"}');
    expect(canonicalJson(proto)).toBe('{"__proto__":"x"}');
    expect(stableHash({ s: 'e\u0301' })).not.toBe(stableHash({ s: '\u00e9' }));
  });

  it('refuses cycles instead of looping', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => stableHash(a)).toThrow(/cycle/);
    const shared = { x: 1 };
    expect(() => stableHash({ a: shared, b: shared })).not.toThrow();
  });
});
