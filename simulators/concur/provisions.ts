import { randomUUID } from 'node:crypto';
import { UPS_BASE, URN_PROVISION_STATUS } from './constants';
import type { ConcurMessage } from './concur-error';

/** One extension's outcome inside an operation (digest §4.2). */
export interface ExtensionResult {
  name: string;
  status: { completed: boolean; success: boolean; code: string; result: 'success' | 'error' | 'no-op' | 'not-processed' };
  messages?: ConcurMessage[];
}

export interface OperationResult {
  success: boolean;
  /** HTTP-like code as a string: "200", "201", "204", "207" (partial), "400", "404", "409". */
  code: string;
  resourceId?: string;
  extensions: ExtensionResult[];
}

interface Operation {
  id: string;
  bulkId?: string;
  /** Applied when the provision completes; returns the outcome. */
  run: () => OperationResult;
  result?: OperationResult;
  resourceId?: string;
}

export interface Provision {
  id: string;
  companyId: string;
  type: 'User' | 'Bulk';
  correlationId: string;
  created: string;
  lastModified: string;
  completedAt?: string;
  polls: number;
  timer?: NodeJS.Timeout;
  ops: Operation[];
  /** Stop after this many failed operations (SCIM failOnErrors). */
  failOnErrors?: number;
}

/**
 * UPS is asynchronous: each write returns a provision id; its operations run when the provision
 * completes, after `delayMs` or once `polls` status reads have seen it pending, whichever is first.
 */
export class ProvisionQueue {
  private readonly byId = new Map<string, Provision>();

  constructor(
    private readonly delayMs: number,
    private readonly polls: number,
  ) {}

  submit(p: { companyId: string; type: 'User' | 'Bulk'; correlationId: string; failOnErrors?: number; ops: Array<{ bulkId?: string; resourceId?: string; run: () => OperationResult }> }): Provision {
    const now = new Date().toISOString();
    const prov: Provision = {
      id: randomUUID(),
      companyId: p.companyId,
      type: p.type,
      correlationId: p.correlationId,
      created: now,
      lastModified: now,
      polls: 0,
      failOnErrors: p.failOnErrors,
      ops: p.ops.map((o) => ({ id: randomUUID(), bulkId: o.bulkId, resourceId: o.resourceId, run: o.run })),
    };
    this.byId.set(prov.id, prov);
    prov.timer = setTimeout(() => this.complete(prov), this.delayMs);
    prov.timer.unref();
    return prov;
  }

  get(id: string, companyId: string): Provision | undefined {
    const p = this.byId.get(id);
    return p && p.companyId === companyId ? p : undefined;
  }

  /** A status read: counts the poll and completes the provision when its turn has come. */
  poll(p: Provision): void {
    p.polls++;
    if (!p.completedAt && p.polls > this.polls) this.complete(p);
  }

  complete(p: Provision): void {
    if (p.completedAt) return;
    if (p.timer) clearTimeout(p.timer);
    let failed = 0;
    for (const op of p.ops) {
      if (p.failOnErrors !== undefined && failed >= p.failOnErrors) {
        op.result = { success: false, code: '412', extensions: [] };
        continue;
      }
      op.result = op.run();
      if (op.result.resourceId) op.resourceId = op.result.resourceId;
      if (!op.result.success) failed++;
    }
    p.completedAt = p.lastModified = new Date().toISOString();
  }

  /** Completes everything still pending (shutdown, state saves). */
  flush(): void {
    for (const p of this.byId.values()) this.complete(p);
  }

  clear(): void {
    for (const p of this.byId.values()) if (p.timer) clearTimeout(p.timer);
    this.byId.clear();
  }
}

type StateFilter = 'success' | 'failed' | 'pending' | undefined;

/** The ProvisionStatus body (UPS swagger `ProvisionStatus`, digest A10). */
export function renderStatus(p: Provision, baseUrl: string, withOps: boolean, startIndex = 1, count = 100, state?: StateFilter): Record<string, unknown> {
  const done = p.ops.filter((o) => o.result);
  const success = done.filter((o) => o.result?.success).length;
  const failed = done.length - success;
  const completed = !!p.completedAt;
  const body: Record<string, unknown> = {
    schemas: [URN_PROVISION_STATUS],
    id: p.id,
    operationsCount: { total: p.ops.length, success, failed, pending: p.ops.length - done.length },
    status: { completed, success: completed ? failed === 0 : null },
    meta: {
      location: `${baseUrl}${UPS_BASE}/provisions/${p.id}/status`,
      resourceType: 'ProvisionRequest',
      provisionType: p.type,
      correlationId: p.correlationId,
      companyId: p.companyId,
      created: p.created,
      lastModified: p.lastModified,
      ...(p.completedAt ? { completed: p.completedAt } : {}),
    },
  };
  if (!withOps) return body;
  const selected = p.ops.filter((o) => (state === 'pending' ? !o.result : state === 'success' ? o.result?.success : state === 'failed' ? o.result && !o.result.success : true));
  const page = selected.slice(Math.max(0, startIndex - 1), Math.max(0, startIndex - 1) + count);
  body.totalResults = selected.length;
  body.itemsPerPage = page.length;
  body.startIndex = startIndex;
  body.operations = page.map((o) => ({
    id: o.id,
    ...(o.bulkId ? { bulkId: o.bulkId } : {}),
    status: o.result ? { completed: true, success: o.result.success, code: o.result.code } : { completed: false },
    ...(o.resourceId ? { resource: { id: o.resourceId, type: 'User' } } : {}),
    ...(o.result ? { extensions: o.result.extensions } : {}),
  }));
  return body;
}
