import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../../src/activities/failure-boundary';
import { ConfigError } from '../../../src/domain/config/outbound-config';
import { ErrorTypes } from '../../../src/domain/error-types';
import { LdapDatastoreError } from '../../../src/datastores/ldap-datastore-error';
import { SecretResolutionError } from '../../../src/store/secret-errors';
import { StoreRecordNotFoundError } from '../../../src/store/store-errors';
import { ConcurConnectionError, ConcurDataError, ConcurTransientError } from '../../../src/targets/concur/concur-errors';

const asFailure = (err: unknown) => {
  const mapped = toActivityFailure(err);
  expect(mapped).toBeInstanceOf(ApplicationFailure);
  return mapped as ApplicationFailure;
};

describe('the activity error boundary', () => {
  it('makes a datastore fault a retry cannot fix a non-retryable ConfigError naming the setting', () => {
    const f = asFailure(new LdapDatastoreError('channel.location.baseDn', 'no such object', false));
    expect(f).toMatchObject({ type: ErrorTypes.ConfigError, nonRetryable: true, message: 'channel.location.baseDn: no such object' });
  });

  it('keeps a transient datastore fault retryable, typed by its adapter', () => {
    expect(asFailure(new LdapDatastoreError('datastore.urls', 'connection refused', true))).toMatchObject({ type: 'LdapDatastoreError', nonRetryable: false });
  });

  it('fails configuration and secret-reference errors at once', () => {
    expect(asFailure(new ConfigError('test', [{ path: 'channel.mapping', message: 'bad' }]))).toMatchObject({ type: ErrorTypes.ConfigError, nonRetryable: true });
    expect(asFailure(new SecretResolutionError('OUTBOUND_X is not set'))).toMatchObject({ type: ErrorTypes.ConfigError, nonRetryable: true });
  });

  it('retries Concur transient and connection failures, not data failures', () => {
    expect(asFailure(new ConcurTransientError('TIMEOUT', 'no answer'))).toMatchObject({ type: 'ConcurTransientError', nonRetryable: false });
    expect(asFailure(new ConcurConnectionError('unreachable', 'down'))).toMatchObject({ type: 'ConcurConnectionError', nonRetryable: false });
    expect(asFailure(new ConcurDataError('BAD', 'rejected'))).toMatchObject({ type: 'ConcurDataError', nonRetryable: true });
  });

  it('does not retry a record that does not exist', () => {
    expect(asFailure(new StoreRecordNotFoundError('cycle', 7))).toMatchObject({ type: 'StoreRecordNotFoundError', nonRetryable: true });
  });

  it('leaves failures already typed, and errors it does not know, as they are', () => {
    const typed = ApplicationFailure.nonRetryable('x', ErrorTypes.ChannelNotFound);
    expect(toActivityFailure(typed)).toBe(typed);
    const other = new TypeError('bug');
    expect(toActivityFailure(other)).toBe(other);
  });
});
