import { createHash } from 'node:crypto';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import { connectionSecretFields, datastoreSecretFields, type SecretField } from '../store/config-secret-fields';

/** What a response shows for a secret stored encrypted in the vault. */
export const SECRET_SET = 'set';

/** An entity tag for a stored object: changes whenever the stored JSON does. */
export function etagOf(stored: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(stored)).digest('base64url').slice(0, 22)}"`;
}

function maskFields(fields: SecretField[]): void {
  for (const f of fields) {
    const v = f.get();
    // Vaulted values show as "set"; env:/file: references are not secrets themselves.
    if (v !== undefined && v.startsWith('vault:')) f.set(SECRET_SET);
  }
}

export function publicDatastore(d: DatastoreConfig): DatastoreConfig {
  const copy = structuredClone(d);
  maskFields(datastoreSecretFields(copy));
  return copy;
}

export function publicConnection(c: ConnectionConfig): ConnectionConfig {
  const copy = structuredClone(c);
  maskFields(connectionSecretFields(copy));
  return copy;
}

/**
 * A replacement may send back "set" for a secret it read: that keeps the stored secret, so a
 * GET-edit-PUT round trip never needs the value.
 */
export function keepSetSecrets(next: SecretField[], previous: SecretField[] | undefined): string[] {
  const before = new Map((previous ?? []).map((f) => [f.name, f.get()]));
  for (const f of next) if (f.get() === SECRET_SET && before.get(f.name)) f.set(before.get(f.name)!);
  // "set" with nothing stored to keep would become the literal secret "set": refused instead.
  return next.filter((f) => f.get() === SECRET_SET).map((f) => f.name);
}

/** JSON pointers of the secret fields of a config object (for plans, which show no secret values). */
export function secretPointers(kind: 'datastore' | 'connection' | 'channel', object: unknown): string[] {
  if (kind === 'channel') return [];
  const fields = kind === 'datastore' ? datastoreSecretFields(structuredClone(object) as DatastoreConfig) : connectionSecretFields(structuredClone(object) as ConnectionConfig);
  return fields.map((f) => `/${f.name.replace(/\./g, '/')}`);
}
