/**
 * Reading UPS provision status (`GET /profile/v4/provisions/{id}/status`): per operation, whether it succeeded and, when an
 * extension failed (HTTP-like code 207 on the operation), which one and with which messages.
 * Pure.
 */
import { ConcurExtensionError, ConcurTransientError, type ConcurMessage } from './concur-errors';

export interface ExtensionFailure {
  /** Extension URN, e.g. `urn:ietf:params:scim:schemas:extension:spend:2.0:User`. */
  name: string;
  code?: string;
  result?: string;
  messages: ConcurMessage[];
}

export interface OperationStatus {
  id?: string;
  bulkId?: string;
  /** Concur user id the operation applied to. */
  userId?: string;
  completed: boolean;
  success?: boolean;
  /** `"207"` when some extensions failed and others applied. */
  code?: string;
  failedExtensions: ExtensionFailure[];
}

export interface ProvisionStatus {
  id: string;
  completed: boolean;
  /** null while pending. */
  success: boolean | null;
  counts: { total: number; success: number; failed: number; pending: number };
  operations: OperationStatus[];
  /** True when the status listed every operation (all pages read). */
  complete: boolean;
}

type Raw = Record<string, unknown>;

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  // The UPS OpenAPI types `messages` as one object; real payloads carry an array.
  return value !== undefined && value !== null ? [value] : [];
}

function parseOperation(raw: Raw): OperationStatus {
  const status = (raw.status ?? {}) as Raw;
  const resource = (raw.resource ?? {}) as Raw;
  const failedExtensions: ExtensionFailure[] = [];
  for (const ext of asArray(raw.extensions) as Raw[]) {
    const s = (ext.status ?? {}) as Raw;
    if (s.result === 'error' || s.success === false) {
      failedExtensions.push({
        name: String(ext.name ?? 'unknown'),
        code: s.code === undefined ? undefined : String(s.code),
        result: s.result === undefined ? undefined : String(s.result),
        messages: (asArray(ext.messages) as Raw[]).map((m) => ({
          code: String(m.code ?? ''),
          message: m.message === undefined ? undefined : String(m.message),
          schemaPath: m.schemaPath === undefined ? undefined : String(m.schemaPath),
          type: m.type === undefined ? undefined : String(m.type),
        })),
      });
    }
  }
  return {
    id: raw.id === undefined ? undefined : String(raw.id),
    bulkId: raw.bulkId === undefined ? undefined : String(raw.bulkId),
    userId: resource.id === undefined ? undefined : String(resource.id),
    completed: status.completed === true,
    success: typeof status.success === 'boolean' ? status.success : undefined,
    code: status.code === undefined ? undefined : String(status.code),
    failedExtensions,
  };
}

export function parseProvisionStatus(raw: unknown): ProvisionStatus {
  const body = (raw ?? {}) as Raw;
  const status = (body.status ?? {}) as Raw;
  const counts = (body.operationsCount ?? {}) as Raw;
  const operations = (asArray(body.operations) as Raw[]).map(parseOperation);
  const total = Number(counts.total ?? operations.length);
  return {
    id: String(body.id ?? ''),
    completed: status.completed === true,
    success: typeof status.success === 'boolean' ? status.success : null,
    counts: { total, success: Number(counts.success ?? 0), failed: Number(counts.failed ?? 0), pending: Number(counts.pending ?? 0) },
    operations,
    complete: operations.length >= total,
  };
}

/** Operations that did not fully succeed, with a message naming the failed extension(s). */
export function describeFailures(status: ProvisionStatus): Array<{ bulkId?: string; userId?: string; message: string; failedExtensions: ExtensionFailure[] }> {
  return status.operations
    .filter((op) => op.completed && (op.success === false || op.failedExtensions.length > 0))
    .map((op) => ({
      bulkId: op.bulkId,
      userId: op.userId,
      failedExtensions: op.failedExtensions,
      message:
        op.failedExtensions.length === 0
          ? `UPS operation failed${op.code ? ` (${op.code})` : ''}`
          : op.failedExtensions
              .map((e) => `${e.name.split(':').slice(-3).join(':')} failed${e.code ? ` (${e.code})` : ''}: ${e.messages.filter((m) => m.type !== 'warning').map((m) => `${m.schemaPath ? `${m.schemaPath}: ` : ''}${m.message ?? m.code}`).join('; ') || 'no message'}`)
              .join('; '),
    }));
}

export type OperationOutcome = { bulkId?: string; userId?: string; ok: true } | { bulkId?: string; userId?: string; ok: false; error: ConcurExtensionError | ConcurTransientError };

/**
 * Each completed operation's outcome, for the engine to record per user. An extension failure
 * with Concur messages is data (fix and resend); a bare 5xx/429 on an extension is transient.
 */
export function operationOutcomes(status: ProvisionStatus): OperationOutcome[] {
  const failures = new Map(describeFailures(status).map((f) => [f.bulkId ?? f.userId, f]));
  return status.operations
    .filter((op) => op.completed)
    .map((op): OperationOutcome => {
      const failure = failures.get(op.bulkId ?? op.userId);
      if (!failure) return { bulkId: op.bulkId, userId: op.userId, ok: true };
      const transient =
        failure.failedExtensions.length > 0 &&
        failure.failedExtensions.every((e) => e.messages.every((m) => m.type === 'warning') && /^(5\d\d|429)$/.test(e.code ?? ''));
      const error = transient
        ? new ConcurTransientError('EXTENSION_UNAVAILABLE', failure.message)
        : new ConcurExtensionError(failure.message, failure.failedExtensions, { bulkId: op.bulkId, userId: op.userId });
      return { bulkId: op.bulkId, userId: op.userId, ok: false, error };
    });
}
