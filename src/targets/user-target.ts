import type { DesiredConcurUser } from '../domain/concur-user';

/**
 * The port the engine writes users through. The Concur connector implements it; tests may use
 * fakes. Every method is idempotent for the engine's purposes.
 */
export interface UserTarget {
  /** Side-effect-free credential check. */
  verify(): Promise<{ ok: true } | { ok: false; reason: string; message: string }>;
  /**
   * Creates the user, or links an existing one that is provably this user (same employeeNumber or
   * externalId); never duplicates, never takes over someone else's account (a `data` conflict).
   * `lookedUp` passes the result of a just-made `findExisting`, saving the per-user look-up.
   */
  create(desired: DesiredConcurUser, lookedUp?: LookedUpUser, options?: WriteOptions): Promise<{ id: string; linked: boolean }>;
  /** Optional batched look-up before creates: for each user, the account to link or the conflict. */
  findExisting?(desired: DesiredConcurUser[], options?: Pick<WriteOptions, 'linkByUserName'>): Promise<LookedUpUser[]>;
  update(id: string, desired: DesiredConcurUser, options?: WriteOptions): Promise<void>;
  disable(id: string, at: Date): Promise<void>;
  reactivate(id: string, desired: DesiredConcurUser, options?: WriteOptions): Promise<void>;
  remove(id: string): Promise<void>;
  /** Every user the target holds, page by page (target reconciliation). */
  listAll?(): AsyncIterable<TargetUser[]>;
  /** Names of the owned, updatable fields in which the target user differs from `desired`. */
  drift?(desired: DesiredConcurUser, actual: TargetUser): string[];
  close(): Promise<void>;
  /** Asynchronous extension writes (Concur's UPS for Spend/Travel), when the target has them. */
  extensions?: ExtensionWriter;
}

/** A user as the target holds it; `resource` holds attribute values and never leaves the activity. */
export interface TargetUser {
  id: string;
  resource: Record<string, unknown>;
}

export interface WriteOptions {
  /** Leave extension data to `extensions.submit` (the engine awaits it with durable timers). */
  deferExtensions?: boolean;
  /** Channel opt-in: link an account found by userName alone when it has no employeeNumber. */
  linkByUserName?: boolean;
}

/** A batched look-up's answer for one user: the account to link, or why none may be. */
export interface LookedUpUser {
  existingId?: string;
  conflict?: string;
}

/**
 * Extension data written asynchronously: submitted in bulk after the users' identity writes,
 * then checked until done. `ref` ties each result back to the caller's item.
 */
export interface ExtensionWriter {
  has(desired: DesiredConcurUser, mode: 'create' | 'update'): boolean;
  submit(items: Array<{ ref: string; id: string; desired: DesiredConcurUser; mode: 'create' | 'update' }>): Promise<string[]>;
  check(provisionId: string): Promise<{ done: boolean; outcomes: Array<{ ref: string; ok: boolean; transient?: boolean; message?: string }> }>;
}

/**
 * Why a write failed, as the engine needs to know it:
 * - `data`: the record is bad (Concur's 400); fails alone, not retried until the source changes.
 * - `transient`: 429/5xx/timeouts that survived the connector's own retries; retried durably.
 * - `connection`: credentials or reachability (401/403, unreachable); stops the channel's writes.
 * - `not-found`: the Concur user is gone (deleted outside Outbound).
 */
export type TargetFailureKind = 'data' | 'transient' | 'connection' | 'not-found';

export class TargetError extends Error {
  constructor(
    readonly kind: TargetFailureKind,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TargetError';
  }
}
