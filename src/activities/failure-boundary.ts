/**
 * The one place where domain and adapter errors become Temporal failures, applied to every
 * activity by the worker's interceptor: retryable or not, typed by `src/domain/error-types.ts`.
 * Activities throw their own typed errors and leave the translation here.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '../domain/error-types';
import { ConfigError } from '../domain/config/outbound-config';
import { ExpressionCompileError } from '../domain/mapping/field-expression';
import { MappingConfigError } from '../domain/mapping/mapping-config-error';
import { DatastoreError } from '../datastores/datastore-error';
import { SecretDecryptionError, SecretKeyError, SecretResolutionError } from '../store/secret-errors';
import { StoreRecordNotFoundError } from '../store/store-errors';
import { ConcurError } from '../targets/concur/concur-errors';
import { TargetError } from '../targets/user-target';

/** Kinds of target failure a retry cannot fix: the record or the data must change first. */
const FINAL_TARGET_KINDS = new Set(['data', 'conflict', 'not-found']);

export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof ApplicationFailure) return err;
  // A setting is wrong (mapping, secret reference, key, source filter or base DN): fail at once, naming it.
  if (err instanceof ConfigError || err instanceof MappingConfigError || err instanceof ExpressionCompileError || isSecretConfigError(err)) {
    return failure(err, ErrorTypes.ConfigError, true);
  }
  if (err instanceof DatastoreError) return err.transient ? failure(err, err.name, false) : failure(err, ErrorTypes.ConfigError, true);
  if (err instanceof StoreRecordNotFoundError) return failure(err, err.name, true);
  if (err instanceof ConcurError) return failure(err, err.name || 'ConcurError', FINAL_TARGET_KINDS.has(err.kind));
  if (err instanceof TargetError) return failure(err, err.name, FINAL_TARGET_KINDS.has(err.kind));
  return err;
}

function isSecretConfigError(err: Error): boolean {
  return err instanceof SecretResolutionError || err instanceof SecretKeyError || err instanceof SecretDecryptionError;
}

function failure(err: Error, type: string, nonRetryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({ message: err.message, type, nonRetryable, cause: err });
}
