import { Client, Connection } from '@temporalio/client';
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
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
  quietWorkerLogs();
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

let logsRouted = false;

/**
 * Sends the SDK's worker and activity logs to a file in the test log folder instead of the
 * console, so a passing run prints one line per suite. Must run before the first native
 * connection, which installs the default (console) runtime.
 */
function quietWorkerLogs(): void {
  if (logsRouted) return;
  logsRouted = true;
  const dir = process.env.OUTBOUND_TEST_LOG_DIR ?? join(tmpdir(), 'outbound-test-logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `worker-${process.pid}.log`);
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', ({ level, message, meta }) => {
        appendFileSync(file, `${new Date().toISOString()} [${level}] ${message} ${meta ? JSON.stringify(meta) : ''}\n`);
      }),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
    });
  } catch {
    // A runtime already exists in this process (installed by the code under test): keep it.
  }
}
