/**
 * `npm run simulator`: the Concur simulator as a standalone program. Configuration from the
 * environment (see docs/simulator.md); one start-up line; clean shutdown on SIGINT/SIGTERM.
 */
import { createConcurSimulator } from './index';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_COMPANY_ID, DEMO_REFRESH_TOKEN, DEMO_REQUEST_TOKEN, DEMO_TOKEN } from './constants';
import { readFileSync } from 'node:fs';
import { faultsFromEnv } from './fault-options-parse';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const env = process.env;
  const port = intEnv('CONCUR_SIM_PORT', 8090);
  const host = env.CONCUR_SIM_HOST || '127.0.0.1';
  const demoToken = env.CONCUR_SIM_DEMO_TOKEN || DEMO_TOKEN;
  const companyId = env.CONCUR_SIM_COMPANY_ID || DEMO_COMPANY_ID;
  const required = env.CONCUR_SIM_REQUIRED_FIELDS?.split(',').map((s) => s.trim()).filter(Boolean);
  // https when given a certificate (the compose demo's, signed by its throwaway demo CA).
  const certFile = env.CONCUR_SIM_TLS_CERT_FILE;
  const keyFile = env.CONCUR_SIM_TLS_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('CONCUR_SIM_TLS_CERT_FILE and CONCUR_SIM_TLS_KEY_FILE go together');
  const tls = certFile && keyFile ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : undefined;
  const sim = createConcurSimulator({
    tls,
    companies: [{ id: companyId, requiredFields: required?.length ? required : undefined }],
    demoToken,
    clients: [{ clientId: env.CONCUR_SIM_CLIENT_ID || DEMO_CLIENT_ID, clientSecret: env.CONCUR_SIM_CLIENT_SECRET || DEMO_CLIENT_SECRET }],
    requestToken: env.CONCUR_SIM_REQUEST_TOKEN || DEMO_REQUEST_TOKEN,
    refreshToken: env.CONCUR_SIM_REFRESH_TOKEN || DEMO_REFRESH_TOKEN,
    accessTokenTtlSeconds: intEnv('CONCUR_SIM_TOKEN_TTL_SECONDS', 3600),
    provisionDelayMs: intEnv('CONCUR_SIM_PROVISION_DELAY_MS', 1000),
    provisionPolls: intEnv('CONCUR_SIM_PROVISION_POLLS', 1),
    legacyV1: env.CONCUR_SIM_LEGACY_V1 === '1' || env.CONCUR_SIM_LEGACY_V1 === 'true',
    wrongGeolocation: env.CONCUR_SIM_WRONG_GEOLOCATION || undefined,
    stateFile: env.CONCUR_SIM_STATE_FILE || undefined,
    faults: faultsFromEnv(env),
    logBodies: env.CONCUR_SIM_LOG_BODIES !== '0',
  });
  const { url } = await sim.listen(port, host);
  // The demo credentials are fixed, public values (not secrets): printing them is the point.
  console.log(
    `[concur-simulator] listening on ${url} company=${companyId} token=${demoToken === DEMO_TOKEN ? DEMO_TOKEN : '(from CONCUR_SIM_DEMO_TOKEN)'} client=${DEMO_CLIENT_ID}/${DEMO_CLIENT_SECRET} requestToken=${DEMO_REQUEST_TOKEN} admin=${url}/_sim/health`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => {
        console.log(`[concur-simulator] stopped (${signal})`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error('[concur-simulator] error while stopping', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('[concur-simulator] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
