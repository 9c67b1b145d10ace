/** One problem in a mapping's configuration; `path` is where, e.g. `mapping.emailAddress.expression`. */
export interface MappingIssue {
  path: string;
  message: string;
}

/**
 * A mapping that cannot be used as configured: every problem at once, each with its path, so an
 * administrator fixes them in one pass. Messages quote field and attribute names, never values.
 */
export class MappingConfigError extends Error {
  constructor(
    readonly issues: MappingIssue[],
    options?: { cause?: unknown },
  ) {
    super(`the attribute mapping is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, options);
    this.name = 'MappingConfigError';
  }
}
