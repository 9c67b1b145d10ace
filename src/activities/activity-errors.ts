import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '../domain/error-types';


export function channelNotFound(channelId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`channel ${channelId} is not configured`, ErrorTypes.ChannelNotFound);
}

export function configError(message: string, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({ message, type: ErrorTypes.ConfigError, nonRetryable: true, cause });
}
