const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * Case-insensitive, own-property-only view of an entry's attributes (LDAP names are
 * case-insensitive; SQL drivers vary in column case). Only own keys count, so attribute names
 * such as `constructor` or `__proto__` never reach Object.prototype. The lower-case index is
 * built on the first miss only, so the common exact-spelling case costs one lookup.
 */
export class AttributeReader {
  private index: Map<string, readonly string[]> | undefined;

  constructor(private readonly attributes: Record<string, unknown>) {}

  values(name: string, lowerName = name.toLowerCase()): readonly string[] {
    if (Object.prototype.hasOwnProperty.call(this.attributes, name)) {
      const direct = this.attributes[name];
      if (Array.isArray(direct)) return onlyStrings(direct);
    }
    if (!this.index) {
      this.index = new Map();
      for (const key of Object.keys(this.attributes)) {
        const values = this.attributes[key];
        const lower = key.toLowerCase();
        // First spelling wins, as in attributeValues() (src/domain/source-entry.ts).
        if (Array.isArray(values) && !this.index.has(lower)) this.index.set(lower, onlyStrings(values));
      }
    }
    return this.index.get(lowerName) ?? NO_VALUES;
  }
}

/** A datastore bug must not crash mapping: anything that is not text is ignored. */
function onlyStrings(values: unknown[]): readonly string[] {
  for (const v of values) if (typeof v !== 'string') return values.filter((x): x is string => typeof x === 'string');
  return values as string[];
}
