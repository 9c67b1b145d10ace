import { extensionRef, parseExtensionRef } from '../../../src/domain/plan/extension-ref';

describe('extension references', () => {
  it('round-trips a plan item', () => {
    expect(parseExtensionRef(extensionRef(42, 7))).toEqual({ cycleId: 42, seq: 7 });
  });
  it('is not fooled by a reference that is not ours', () => {
    expect(parseExtensionRef('guid-1')).toBeUndefined();
    expect(parseExtensionRef('1.2.3')).toBeUndefined();
    expect(parseExtensionRef('1.x')).toBeUndefined();
  });
});
