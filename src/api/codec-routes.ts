import type { FastifyInstance } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data !== undefined ? Buffer.from(p.data, 'base64') : undefined,
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

/**
 * The remote codec endpoint the Temporal Web UI calls (`--ui-codec-endpoint`) to show decrypted
 * payloads. When OUTBOUND_CODEC_TOKEN is set, only callers presenting it may decode.
 */
export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, options: { uiOrigin?: string; token?: string }): void {
  const cors = (reply: { header: (k: string, v: string) => unknown }) => {
    reply.header('access-control-allow-origin', options.uiOrigin ?? '*');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-allow-credentials', 'true');
  };
  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, async (_req, reply) => {
      cors(reply);
      return reply.code(204).send();
    });
    app.post(`/codec/${op}`, async (req, reply) => {
      cors(reply);
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        return reply.code(403).send({ error: 'forbidden', message: 'a valid codec token is required' });
      }
      const body = req.body as { payloads?: JsonPayload[] } | undefined;
      if (!body || !Array.isArray(body.payloads)) return reply.code(400).send({ error: 'invalid-request', message: 'body must be {"payloads": [...]}' });
      const payloads = body.payloads.map(fromJson);
      const result = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return { payloads: result.map(toJson) };
    });
  }
}
