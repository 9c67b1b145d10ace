/**
 * Errors the admin API answers with, each mapped to one HTTP status and rendered as
 * application/problem+json (RFC 9457). Messages are written for the caller: they never carry a
 * secret, a raw driver error or a stack.
 */

/** One thing wrong with a request, located by a JSON pointer (RFC 6901) into it. */
export interface RequestIssue {
  /** e.g. `/body/channels/0/mapping/userName` or `/query/limit`. */
  pointer: string;
  message: string;
}

/** Turns a zod-style path into a JSON pointer under `root` (`/body`, `/query`, `/params`). */
export function jsonPointer(root: string, path: ReadonlyArray<PropertyKey>): string {
  return root + path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** Short kebab-case problem kind, the last segment of the problem `type` URI. */
  abstract readonly kind: string;
  readonly issues: RequestIssue[] = [];
}

/** The request itself is wrong: shape, types, unknown fields, references. */
export class ApiRequestError extends ApiError {
  readonly status = 400;
  readonly kind = 'invalid-request';
  constructor(
    override readonly issues: RequestIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid request: ${issues.map((i) => `${i.pointer}: ${i.message}`).join('; ')}`, options);
    this.name = 'ApiRequestError';
  }
}

export class ApiNotFoundError extends ApiError {
  readonly status = 404;
  readonly kind = 'not-found';
  constructor(message: string) {
    super(message);
    this.name = 'ApiNotFoundError';
  }
}

/** The request is valid but the object's state forbids it (referenced, active, not held, paused). */
export class ApiConflictError extends ApiError {
  readonly status = 409;
  readonly kind = 'conflict';
  constructor(
    message: string,
    override readonly issues: RequestIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiConflictError';
  }
}

/** If-Match named a version that is no longer current: someone else changed the object. */
export class ApiPreconditionError extends ApiError {
  readonly status = 412;
  readonly kind = 'precondition-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ApiPreconditionError';
  }
}

/** A configuration is valid JSON of the right shape but cannot be used (a check failed). */
export class ApiUnprocessableError extends ApiError {
  readonly status = 422;
  readonly kind = 'unprocessable';
  constructor(
    message: string,
    override readonly issues: RequestIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiUnprocessableError';
  }
}

/** zod issues as request issues; an unknown field is named itself, not its parent object. */
export function zodIssues(root: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>): RequestIssue[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys?.length
      ? i.keys.map((k) => ({ pointer: jsonPointer(root, [...i.path, k]), message: `unknown field "${k}"` }))
      : [{ pointer: jsonPointer(root, i.path), message: i.message }],
  );
}
