/**
 * An LDAP datastore failure attributed to one setting (`datastore.urls`, `datastore.bindPassword`,
 * `channel.location.filter`...). Messages never carry passwords or attribute values; they may
 * carry configuration (DNs and filters from the channel settings) and server result names.
 */
export class LdapDatastoreError extends Error {
  constructor(
    /** The setting at fault, as the activation report names it. */
    readonly setting: string,
    message: string,
    /** True when retrying later may succeed (network, timeouts, busy server); false for configuration faults. */
    readonly transient = false,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
    this.name = 'LdapDatastoreError';
  }

  /** The message without the `setting: ` prefix. */
  get detail(): string {
    return this.message.slice(this.setting.length + 2);
  }
}
