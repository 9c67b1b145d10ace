import { DatastoreError } from './datastore-error';

/**
 * A SQL datastore failure; `cause` is a sanitised copy of the driver error (drivers attach the
 * SQL text with bound values interpolated, which may hold personal data).
 */
export class SqlDatastoreError extends DatastoreError {
  override name = 'SqlDatastoreError';
}
