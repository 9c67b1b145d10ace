import type { SecretRef } from './config/secret-ref';

/** Turns a secret reference from configuration into its value. Values are never logged. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}
