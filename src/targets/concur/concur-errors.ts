/**
 * Failures talking to Concur, as types the engine can act on. Messages carry Concur's own text,
 * field names/schemaPaths and ids at most: never tokens, secrets or the attribute values we sent.
 */
import type { FieldIssue } from '../../domain/concur-validation';
import { TargetError, type TargetFailureKind } from '../user-target';

/** One entry of Concur's `urn:ietf:params:scim:api:messages:concur:2.0:Error.messages`. */
export interface ConcurMessage {
  code: string;
  message?: string;
  schemaPath?: string;
  type?: string;
}

export type ConcurErrorKind = 'transient' | 'data' | 'conflict' | 'connection' | 'not-found';

/** Why a connection (not a record) is unusable: what credential verification reports. */
export type ConnectionFailureReason =
  | 'bad-token'
  | 'expired'
  | 'bad-credentials'
  | 'missing-scope'
  | 'company-not-authorised'
  | 'account-disabled'
  | 'unreachable'
  | 'misconfigured';

interface ConcurErrorOptions {
  status?: number;
  correlationId?: string;
  cause?: unknown;
}

export abstract class ConcurError extends Error {
  abstract readonly kind: ConcurErrorKind;
  readonly status?: number;
  /** Concur's `concur-correlationid`, for support cases. */
  readonly correlationId?: string;
  constructor(
    readonly code: string,
    message: string,
    options: ConcurErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.correlationId = options.correlationId;
  }
}

/** 429, 5xx, timeouts, resets: worth retrying later. */
export class ConcurTransientError extends ConcurError {
  readonly kind = 'transient' as const;
  /** Server-requested wait (Retry-After), in ms; 0 is a real value. */
  readonly retryAfterMs?: number;
  /**
   * The request may have been applied although no answer arrived (timeout, reset or 5xx after the
   * body was sent): a create must look the user up before trying again.
   */
  readonly maybeApplied: boolean;
  constructor(code: string, message: string, options: ConcurErrorOptions & { retryAfterMs?: number; maybeApplied?: boolean } = {}) {
    super(code, message, options);
    this.name = 'ConcurTransientError';
    this.retryAfterMs = options.retryAfterMs;
    this.maybeApplied = options.maybeApplied ?? false;
  }
}

/** Concur refused the record (400): retrying the same data cannot succeed. */
export class ConcurDataError extends ConcurError {
  readonly kind = 'data' as const;
  readonly messages: ConcurMessage[];
  readonly scimType?: string;
  /** The mapping field or Concur schemaPath at fault, when known. */
  readonly field?: string;
  constructor(code: string, message: string, options: ConcurErrorOptions & { messages?: ConcurMessage[]; scimType?: string; field?: string } = {}) {
    super(code, message, options);
    this.name = 'ConcurDataError';
    this.messages = options.messages ?? [];
    this.scimType = options.scimType;
    this.field = options.field ?? this.messages.find((m) => m.schemaPath)?.schemaPath;
  }
}

/** Outbound's own pre-flight check found what Concur would reject; nothing was sent. */
export class ConcurValidationError extends ConcurDataError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super('VALIDATION_FAILED', `Concur would reject this user: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, {
      field: issues[0]?.field,
      messages: issues.map((i) => ({ code: i.code, message: i.message, schemaPath: i.field, type: 'error' })),
    });
    this.name = 'ConcurValidationError';
    this.issues = issues;
  }
}

/** Duplicate userName / employeeNumber / externalId (409 or scimType `uniqueness`). */
export class ConcurConflictError extends ConcurError {
  readonly kind = 'conflict' as const;
  readonly messages: ConcurMessage[];
  readonly scimType?: string;
  constructor(message: string, options: ConcurErrorOptions & { messages?: ConcurMessage[]; scimType?: string } = {}) {
    super('UNIQUENESS', message, options);
    this.name = 'ConcurConflictError';
    this.messages = options.messages ?? [];
    this.scimType = options.scimType;
  }
}

/** Credentials, authorisation or reachability: every write on this connection would fail. */
export class ConcurConnectionError extends ConcurError {
  readonly kind = 'connection' as const;
  readonly reason: ConnectionFailureReason;
  /** The OAuth2 token endpoint's numeric `code`, when the failure came from there. */
  readonly oauthCode?: number;
  constructor(reason: ConnectionFailureReason, message: string, options: ConcurErrorOptions & { oauthCode?: number; code?: string } = {}) {
    super(options.code ?? `CONNECTION_${reason.toUpperCase().replace(/-/g, '_')}`, message, options);
    this.name = 'ConcurConnectionError';
    this.reason = reason;
    this.oauthCode = options.oauthCode;
  }
}

/** The Concur user (or provision request) does not exist. */
export class ConcurNotFoundError extends ConcurError {
  readonly kind = 'not-found' as const;
  constructor(message: string, options: ConcurErrorOptions = {}) {
    super('NOT_FOUND', message, { status: 404, ...options });
    this.name = 'ConcurNotFoundError';
  }
}

/** What kind of failure an error is; `unknown` for anything not raised by the connector. */
export function classifyConcurError(err: unknown): ConcurErrorKind | 'unknown' {
  return err instanceof ConcurError ? err.kind : 'unknown';
}

const TARGET_KIND: Record<ConcurErrorKind, TargetFailureKind> = {
  transient: 'transient',
  data: 'data',
  // A conflict the connector could not resolve by linking (e.g. the userName belongs to another company).
  conflict: 'data',
  connection: 'connection',
  'not-found': 'not-found',
};

/** The engine's port speaks TargetError; unknown errors are treated as transient. */
export function toTargetError(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  if (err instanceof ConcurError) return new TargetError(TARGET_KIND[err.kind], err.message, err.code, { cause: err });
  return new TargetError('transient', 'unexpected error in the Concur connector', 'UNEXPECTED', { cause: err });
}

/** OAuth2 token-endpoint error codes that retrying cannot fix, and what they mean for the connection. */
export const OAUTH_FATAL_CODES: ReadonlyMap<number, ConnectionFailureReason> = new Map<number, ConnectionFailureReason>([
  [5, 'bad-credentials'],
  [19, 'bad-credentials'],
  [64, 'bad-credentials'],
  [10, 'account-disabled'],
  [11, 'account-disabled'],
  [14, 'account-disabled'],
  [20, 'company-not-authorised'],
  [53, 'company-not-authorised'],
  [54, 'missing-scope'],
  [59, 'account-disabled'],
  [61, 'bad-credentials'],
  [62, 'misconfigured'],
  [63, 'misconfigured'],
  [65, 'misconfigured'],
  [106, 'misconfigured'],
  [108, 'expired'],
  [120, 'misconfigured'],
  [123, 'account-disabled'],
  [136, 'bad-credentials'],
]);
/** Token-endpoint codes that are worth retrying later (company in maintenance). */
export const OAUTH_TRANSIENT_CODES: ReadonlySet<number> = new Set([134]);
/** Code 16: the principal lives in another data centre; retry at the returned geolocation. */
export const OAUTH_WRONG_GEOLOCATION = 16;

/** A UPS operation applied partly (207) or not at all: names the failed extension(s) and Concur's messages. */
export class ConcurExtensionError extends ConcurDataError {
  constructor(
    message: string,
    readonly failedExtensions: Array<{ name: string; code?: string; messages: ConcurMessage[] }>,
    options: { bulkId?: string; userId?: string } = {},
  ) {
    super('EXTENSION_FAILED', message, { messages: failedExtensions.flatMap((e) => e.messages), status: 207 });
    this.name = 'ConcurExtensionError';
    this.bulkId = options.bulkId;
    this.userId = options.userId;
  }
  readonly bulkId?: string;
  readonly userId?: string;
}
