import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';

/** One SecretRef-typed field of a stored config, read and written in place. */
export interface SecretField {
  /** Field path for messages, e.g. `auth.clientSecret` (never the value). */
  name: string;
  get(): string | undefined;
  set(value: string): void;
}

/**
 * The SecretRef fields of a datastore config. Kept next to the schemas' shape: a new secret field
 * in src/domain/config must be added here, or it would be stored in clear.
 */
export function datastoreSecretFields(config: DatastoreConfig): SecretField[] {
  if (config.type === 'ldap') {
    return [{ name: 'bindPassword', get: () => config.bindPassword, set: (v) => (config.bindPassword = v) }];
  }
  return [{ name: 'password', get: () => config.password, set: (v) => (config.password = v) }];
}

export function connectionSecretFields(config: ConnectionConfig): SecretField[] {
  const auth = config.auth;
  if (auth.type === 'OAUTH_ACCESS_TOKEN') {
    return [{ name: 'auth.accessToken', get: () => auth.accessToken, set: (v) => (auth.accessToken = v) }];
  }
  return [
    { name: 'auth.clientSecret', get: () => auth.clientSecret, set: (v) => (auth.clientSecret = v) },
    { name: 'auth.refreshToken', get: () => auth.refreshToken, set: (v) => (auth.refreshToken = v) },
    { name: 'auth.companyRequestToken', get: () => auth.companyRequestToken, set: (v) => (auth.companyRequestToken = v) },
  ];
}
