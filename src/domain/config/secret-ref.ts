import { z } from 'zod';

/**
 * A secret in configuration: `env:NAME` (read from the environment), `file:/path` (read from a
 * file), or a literal value (stored encrypted at rest by the state store). Never logged.
 */
export const SecretRef = z
  .string()
  .min(1, 'a secret must not be empty')
  .describe('Secret: env:NAME, file:/path or a literal (encrypted at rest)');
export type SecretRef = z.infer<typeof SecretRef>;
