import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { freePort } from '../../scripts/services/service';
import { startTemporal } from '../../scripts/services/temporal';

export interface TestTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  stop(): Promise<void>;
}

/**
 * A real Temporal dev server: the one `npm test` started (OUTBOUND_TEMPORAL_ADDRESS), else a
 * private in-memory one, so a test file can also run alone.
 */
export async function ensureTemporal(): Promise<TestTemporal> {
  let address = process.env.OUTBOUND_TEMPORAL_ADDRESS;
  let stopServer: (() => Promise<void>) | undefined;
  if (!address) {
    const svc = await startTemporal({ port: await freePort(), headless: true, inMemory: true, logDir: process.env.OUTBOUND_TEST_LOG_DIR });
    address = svc.url;
    stopServer = svc.stop;
  }
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    nativeConnection,
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await stopServer?.();
    },
  };
}
