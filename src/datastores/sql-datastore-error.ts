/**
 * A SQL datastore failure attributed to one setting (`datastore.password`,
 * `channel.source.guidColumn`, `channel.location.filter`...). Messages never carry passwords or
 * column values; `cause` is a sanitised copy of the driver error (drivers attach the SQL text with
 * bound values interpolated, which may hold personal data).
 */
export class SqlDatastoreError extends Error {
  constructor(
    /** The setting at fault, as the activation report names it. */
    readonly setting: string,
    message: string,
    /** True when retrying later may succeed (network, timeouts); false for configuration faults. */
    readonly transient = false,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
    this.name = 'SqlDatastoreError';
  }

  /** The message without the `setting: ` prefix. */
  get detail(): string {
    return this.message.slice(this.setting.length + 2);
  }
}
