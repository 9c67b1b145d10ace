/** Public surface of the Concur connector. */
export * from './concur-connector';
export * from './concur-user-target';
export * from './concur-errors';
export * from './concur-token-store';
export { OAuth2TokenProvider, StaticTokenProvider, type AccessToken, type ConcurTokenProvider } from './concur-token-provider';
export type { ConcurLogger, ConcurLogFn } from './concur-logger';
export { concurFieldScimPath, concurFieldRemovalPath, scimString } from './scim-paths';
export { buildIdentityUserBody } from './scim-user-builder';
export { buildUpdatePatch, buildUpdateOperations, buildDisablePatch, buildReactivatePatch, concurDateTime, type PatchBody, type PatchOperation } from './scim-patch-builder';
export { buildExtensionOperations, extensionBulkOperation, type BulkOperation, type ExtensionMode } from './ups-operation-builder';
export { splitBulkOperations, BULK_MAX_OPERATIONS, BULK_MAX_BYTES } from './ups-bulk-splitter';
export { nextPollDelay, DEFAULT_POLL, ProvisionTimeoutError, type PollOptions, type SubmittedProvision } from './concur-ups-client';
export { parseProvisionStatus, operationOutcomes, describeFailures, type ProvisionStatus, type OperationOutcome } from './provision-status';
export { DEFAULT_RETRY, type RetryOptions } from './retry-policy';
export type { ConcurUserResource, UserKeys } from './concur-identity-client';
