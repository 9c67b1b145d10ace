import { ApplicationFailure } from '@temporalio/common';

/** Typed failure names, asserted by tests through `ApplicationFailure.type`. */
export const ErrorTypes = {
  ChannelNotFound: 'ChannelNotFound',
  ConfigError: 'ConfigError',
  SourceUnavailable: 'SourceUnavailable',
} as const;

export function channelNotFound(channelId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`channel ${channelId} is not configured`, ErrorTypes.ChannelNotFound);
}

export function configError(message: string, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({ message, type: ErrorTypes.ConfigError, nonRetryable: true, cause });
}
