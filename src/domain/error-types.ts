/**
 * Typed failure names shared by activities (which raise them) and workflows (which list them as
 * not retryable); tests assert them through `ApplicationFailure.type`.
 */
export const ErrorTypes = {
  ChannelNotFound: 'ChannelNotFound',
  ConfigError: 'ConfigError',
  /** A workflow update whose input is malformed; rejected before it enters the history. */
  InvalidRequest: 'InvalidRequest',
} as const;

/** Failures a retry cannot fix: the configuration must change first. */
export const CONFIG_FAILURES = [ErrorTypes.ConfigError, ErrorTypes.ChannelNotFound];

/** The source could not be read (down, unreachable, timing out): retryable, typed by the adapter's error class. */
export const SOURCE_FAILURES: readonly string[] = ['DatastoreError', 'LdapDatastoreError', 'SqlDatastoreError'];

/** The state store could not be used: its own errors and those of the database drivers under it. */
export const STORE_FAILURES: readonly string[] = ['StateStoreOpenError', 'StoreRecordNotFoundError', 'KnexTimeoutError', 'SqliteError'];
