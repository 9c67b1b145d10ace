/**
 * Splits bulk operations into requests UPS accepts: at most 100 operations and 400 KB each
 * (the limits UPS documents). Order is kept. Pure.
 */
import type { BulkOperation } from './ups-operation-builder';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_MAX_OPERATIONS = 100;
export const BULK_MAX_BYTES = 400 * 1024;

export interface BulkRequestBody {
  schemas: [typeof BULK_REQUEST_SCHEMA];
  Operations: BulkOperation[];
}

export class BulkOperationTooLargeError extends Error {
  readonly code = 'BULK_OPERATION_TOO_LARGE';
  constructor(readonly bulkId: string | undefined, bytes: number) {
    super(`bulk operation ${bulkId ?? '(no bulkId)'} is ${bytes} bytes, more than a whole UPS bulk request may carry`);
    this.name = 'BulkOperationTooLargeError';
  }
}

export function bulkBody(operations: BulkOperation[]): BulkRequestBody {
  return { schemas: [BULK_REQUEST_SCHEMA], Operations: operations };
}

export function splitBulkOperations(operations: BulkOperation[], limits: { maxOperations?: number; maxBytes?: number } = {}): BulkOperation[][] {
  const maxOps = limits.maxOperations ?? BULK_MAX_OPERATIONS;
  const maxBytes = limits.maxBytes ?? BULK_MAX_BYTES;
  const envelope = Buffer.byteLength(JSON.stringify(bulkBody([])));
  const chunks: BulkOperation[][] = [];
  let current: BulkOperation[] = [];
  let bytes = envelope;
  for (const op of operations) {
    const size = Buffer.byteLength(JSON.stringify(op));
    if (envelope + size > maxBytes) throw new BulkOperationTooLargeError(op.bulkId, size);
    // +1 for the comma between array items.
    const added = current.length === 0 ? size : size + 1;
    if (current.length >= maxOps || bytes + added > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = envelope;
      bytes += size;
    } else {
      bytes += added;
    }
    current.push(op);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
