/**
 * The forms a SecretRef string takes (see src/domain/config/secret-ref.ts). Anything without one
 * of the prefixes is a literal secret value, which the store moves into its vault.
 */
export type ParsedSecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'vault'; id: string }
  | { kind: 'literal' };

export function parseSecretRef(ref: string): ParsedSecretRef {
  if (ref.startsWith('env:')) return { kind: 'env', name: ref.slice(4) };
  if (ref.startsWith('file:')) return { kind: 'file', path: ref.slice(5) };
  if (ref.startsWith('vault:')) return { kind: 'vault', id: ref.slice(6) };
  return { kind: 'literal' };
}

export const vaultRef = (id: string): string => `vault:${id}`;
