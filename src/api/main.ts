/** The admin API process (`npm run api`). */
import { Client, Connection } from '@temporalio/client';
import { loadSettings } from '../config/settings';
import { loadEnvFiles } from '../config/env-files';
import { EncryptionCodec, loadPayloadKey } from '../codec/encryption-codec';
import { join } from 'node:path';
import { createRuntimeDeps, openStore } from '../worker/runtime';
import { apiAuthOnDatabase } from './auth/api-auth';
import { ApiKeyStore } from './auth/api-key-store';
import { allowedHostsFromEnv } from './auth/request-host';
import { buildApi } from './server';

async function main() {
  loadEnvFiles(); // NAME_FILE secrets (compose, Kubernetes) before anything reads the environment
  const settings = loadSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const codec = new EncryptionCodec(loadPayloadKey(join(settings.dataDir, 'payload.key')));
  const client = new Client({ connection, namespace: settings.namespace, dataConverter: { payloadCodecs: [codec] } });
  const store = await openStore(settings);
  // A deployment's first admin key (compose / Kubernetes secret), adopted once; never logged.
  const bootstrapKey = process.env.OUTBOUND_BOOTSTRAP_ADMIN_KEY;
  if (bootstrapKey) await new ApiKeyStore(store.db).adopt(bootstrapKey, 'admin', 'bootstrap');
  const app = buildApi({
    client,
    store,
    codec,
    auth: apiAuthOnDatabase(store.db, allowedHostsFromEnv(process.env.OUTBOUND_API_ALLOWED_HOSTS)),
    uiOrigin: process.env.OUTBOUND_TEMPORAL_UI_URL,
    temporalUiUrl: process.env.OUTBOUND_TEMPORAL_UI_URL,
    namespace: settings.namespace,
    openTarget: createRuntimeDeps(store).openTarget,
    logger: { level: process.env.OUTBOUND_LOG_LEVEL ?? 'info' },
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
