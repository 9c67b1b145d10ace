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
