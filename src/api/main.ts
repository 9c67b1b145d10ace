/** The admin API process (`npm run api`). */
import { Client, Connection } from '@temporalio/client';
import { loadSettings } from '../config/settings';
import { loadEnvFiles } from '../config/env-files';
import { createDataConverter, createPayloadCodec, createRuntimeDeps, openStore } from '../app/runtime';
import { apiAuthOnDatabase } from './auth/api-auth';
import { ApiKeyStore } from './auth/api-key-store';
import { allowedHostsFromEnv } from './auth/request-host';
import { buildApi } from './server';

async function main() {
  loadEnvFiles(); // NAME_FILE secrets (compose, Kubernetes) before anything reads the environment
  const settings = loadSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const codec = createPayloadCodec(settings);
  const client = new Client({ connection, namespace: settings.namespace, dataConverter: createDataConverter(settings, codec) });
  const store = await openStore(settings);
  // A deployment's first admin key (compose / Kubernetes secret), adopted once; never logged.
  const bootstrapKey = settings.bootstrapAdminKey;
  if (bootstrapKey) await new ApiKeyStore(store.db).adopt(bootstrapKey, 'admin', 'bootstrap');
  const app = buildApi({
    client,
    store,
    codec,
    auth: apiAuthOnDatabase(store.db, allowedHostsFromEnv(settings.apiAllowedHosts)),
    uiOrigin: settings.temporalUiUrl,
    temporalUiUrl: settings.temporalUiUrl,
    secretPolicy: settings.secretPolicy,
    namespace: settings.namespace,
    openTarget: createRuntimeDeps(store).openTarget,
    logger: { level: settings.logLevel },
  });
  await app.listen({ host: settings.apiHost, port: settings.apiPort });
  const shutdown = async () => {
    await app.close();
    await store.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((err: Error) => {
  console.error(`outbound api: ${err.message}`);
  process.exit(1);
});
