import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { sendProblem } from './auth/auth-problem';

/** A Payload in protobuf JSON: bytes are base64, empty fields are omitted. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Why a body is not protobuf JSON of `temporal.api.common.v1.Payloads`, or undefined when it is. */
function invalidPayloads(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object (protobuf JSON of Payloads)';
  for (const key of Object.keys(body)) if (key !== 'payloads') return `unknown field "${key}"`;
  const { payloads } = body as { payloads?: unknown };
  if (payloads === undefined || payloads === null) return undefined;
  if (!Array.isArray(payloads)) return '/payloads must be an array';
  for (const [i, p] of payloads.entries()) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return `/payloads/${i} must be an object`;
    for (const [key, value] of Object.entries(p)) {
      if (key === 'data') {
        if (typeof value !== 'string' || !BASE64.test(value)) return `/payloads/${i}/data must be base64`;
      } else if (key === 'metadata') {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return `/payloads/${i}/metadata must be an object`;
        for (const [k, v] of Object.entries(value)) if (typeof v !== 'string' || !BASE64.test(v)) return `/payloads/${i}/metadata/${k} must be base64`;
      } else if (key !== 'externalPayloads' && key !== 'external_payloads') {
        return `/payloads/${i}: unknown field "${key}"`;
      }
    }
  }
  return undefined;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data !== undefined ? Buffer.from(p.data, 'base64') : undefined,
});
const toJson = (p: Payload): JsonPayload => {
  const out: JsonPayload = {};
  const metadata = Object.entries(p.metadata ?? {});
  if (metadata.length) out.metadata = Object.fromEntries(metadata.map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')]));
  if (p.data && p.data.length) out.data = Buffer.from(p.data).toString('base64');
  return out;
};

/** Payload bodies can be large (Temporal allows 2 MiB per payload, several per request). */
const CODEC_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Temporal's remote codec protocol (`POST …/encode` and `…/decode`, body and answer are protobuf
 * JSON of Payloads; `{}` is an empty list) for the official CLI (`--codec-endpoint`,
 * `--codec-auth "Bearer <key>"`) and the Web UI. Decoding shows users' attribute values, so it
 * needs an operator key; browsers may call it only from the Web UI's origin.
 */
export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, options: { uiOrigin?: string; prefix?: string }): void {
  const allowedOrigin = options.uiOrigin?.replace(/\/$/, '');
  const prefix = options.prefix ?? '/api/v1/codec';
  /** CORS headers for the Web UI; false when a browser calls from any other origin. */
  const cors = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = req.headers.origin;
    reply.header('vary', 'Origin');
    if (origin === undefined) return true;
    if (!allowedOrigin || origin !== allowedOrigin) return false;
    reply.header('access-control-allow-origin', allowedOrigin);
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-max-age', '600');
    return true;
  };
  const refuseOrigin = (reply: FastifyReply) => sendProblem(reply, 403, 'origin-not-allowed', 'Origin not allowed', 'the codec answers browsers only from the Temporal Web UI origin');

  for (const op of ['encode', 'decode'] as const) {
    app.options(`${prefix}/${op}`, { config: { role: 'public' } }, async (req, reply) => {
      if (!cors(req, reply)) return refuseOrigin(reply);
      return reply.code(204).send();
    });
    app.post(`${prefix}/${op}`, { config: { role: 'operator' }, bodyLimit: CODEC_BODY_LIMIT }, async (req, reply) => {
      if (!cors(req, reply)) return refuseOrigin(reply);
      const problem = invalidPayloads(req.body ?? {});
      if (problem) return sendProblem(reply, 400, 'invalid-payloads', 'Invalid payloads', problem);
      const payloads = ((req.body as { payloads?: JsonPayload[] } | undefined)?.payloads ?? []).map(fromJson);
      const result = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return reply.type('application/json').send({ payloads: result.map(toJson) });
    });
  }
}
