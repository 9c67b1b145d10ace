/** The Concur simulator's public API (see docs/simulator.md). */
export { createConcurSimulator, SimulatorStateError, type ConcurSimulator, type SimStats } from './simulator';
export type { SimulatorOptions, FaultOptions, PoisonRecord, CompanyOptions } from './options';
export { DEFAULT_REQUIRED_FIELDS } from './options';
export type { ConcurSimUser } from './sim-user';
export type { SimRequestLog } from './request-log';
export {
  ALL_SCOPES,
  SCOPES,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_COMPANY_ID,
  DEMO_REFRESH_TOKEN,
  DEMO_REQUEST_TOKEN,
  DEMO_TOKEN,
  IDENTITY_BASE,
  UPS_BASE,
} from './constants';
