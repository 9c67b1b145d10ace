/**
 * Errors of the secrets layer. Messages name the variable, file or vault id at fault, never a
 * secret value, so they are safe to log and to return from the API.
 */

/** The encryption key is missing, malformed, or kept in a file others can read. */
export class SecretKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretKeyError';
  }
}

/** Ciphertext failed authentication: tampered data, or sealed with another key. Never garbage. */
export class SecretDecryptionError extends Error {
  constructor(
    message: string,
    readonly reason: 'tampered' | 'wrong-key' | 'malformed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecretDecryptionError';
  }
}

/** A `vault:<id>` reference points at no stored secret. */
export class SecretNotFoundError extends Error {
  constructor(
    readonly secretId: string,
    options?: { cause?: unknown },
  ) {
    super(`secret vault:${secretId} is not in the vault`, options);
    this.name = 'SecretNotFoundError';
  }
}

/** An `env:` or `file:` reference cannot be resolved (unset variable, unreadable file...). */
export class SecretResolutionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretResolutionError';
  }
}

/**
 * A reference the secret policy does not allow, refused when resolved (a stored config written
 * before the policy, or by another path than the API). Names the field and the reference's kind
 * and name, never a value.
 */
export class SecretRefusedError extends Error {
  constructor(
    /** e.g. `connection:demo auth.accessToken` */
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'SecretRefusedError';
  }
}
