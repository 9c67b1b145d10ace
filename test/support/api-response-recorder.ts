import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Files the leak scan after the suites reads as API responses (scripts/leak-scan.ts). */
export const API_RESPONSES_PREFIX = 'api-responses-';

/**
 * Records every response body the API sends during `npm test` (OUTBOUND_TEST_LOG_DIR), one JSON
 * line each, so the leak scan covers API responses as well as histories, logs and tables.
 * Streamed bodies (static Swagger UI files) are not recorded: they hold no data.
 */
export function recordApiResponses(app: FastifyInstance): void {
  const dir = process.env.OUTBOUND_TEST_LOG_DIR;
  if (!dir) return;
  const file = join(dir, `${API_RESPONSES_PREFIX}${process.pid}.ndjson`);
  app.addHook('onSend', async (req, reply, payload) => {
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (body !== undefined) appendFileSync(file, `${JSON.stringify({ method: req.method, url: req.url, status: reply.statusCode, body })}\n`);
    return payload;
  });
}
