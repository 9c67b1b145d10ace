/** A record the caller refers to by id does not exist (e.g. finishing an unknown cycle). */
export class StoreRecordNotFoundError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string | number,
    options?: { cause?: unknown },
  ) {
    super(`${kind} ${id} not found in the state store`, options);
    this.name = 'StoreRecordNotFoundError';
  }
}

/** The state store could not be opened: database unreachable, migration failed, bad key. */
export class StateStoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateStoreOpenError';
  }
}

/** A conditional write found the stored object changed (If-Match across API processes). */
export class StorePreconditionError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} ${id} changed since it was read`);
    this.name = 'StorePreconditionError';
  }
}
