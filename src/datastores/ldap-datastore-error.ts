import { DatastoreError } from './datastore-error';

/** An LDAP datastore failure; messages may carry configuration (DNs, filters) and server result names. */
export class LdapDatastoreError extends DatastoreError {
  override name = 'LdapDatastoreError';
}
