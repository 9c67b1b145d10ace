/**
 * A datastore failure attributed to one setting (`datastore.urls`, `datastore.password`,
 * `channel.location.filter`...), as activation reports name it. Messages never carry passwords or
 * attribute values.
 */
export class DatastoreError extends Error {
  constructor(
    /** The setting at fault. */
    readonly setting: string,
    message: string,
    /** True when retrying later may succeed (network, timeouts, busy server); false for configuration faults. */
    readonly transient = false,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
    this.name = 'DatastoreError';
  }

  /** The message without the `setting: ` prefix. */
  get detail(): string {
    return this.message.slice(this.setting.length + 2);
  }
}
