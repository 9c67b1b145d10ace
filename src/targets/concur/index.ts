/** What the rest of Outbound uses of the Concur connector: the engine's UserTarget for a connection. */
export { ConcurUserTarget, createConcurUserTarget } from './concur-user-target';
export type { ConcurConnectorDeps } from './concur-connector-factory';
