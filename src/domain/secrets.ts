import type { SecretRef } from './config/secret-ref';

/** Which object's which field a reference is resolved for (e.g. `connection:demo`, `auth.accessToken`). */
export interface SecretUse {
  owner: string;
  field: string;
}

/**
 * Turns a secret reference from configuration into its value. Values are never logged. With
 * `use`, the runtime confinement (secret-policy.ts) can name the field it refuses.
 */
export interface SecretResolver {
  resolve(ref: SecretRef, use?: SecretUse): Promise<string>;
}
