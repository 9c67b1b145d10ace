import type { FastifyReply } from 'fastify';

/** An RFC 9457 problem for refusals of the auth layer (no request data is echoed). */
export function sendProblem(reply: FastifyReply, status: number, type: string, title: string, detail: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="outbound"');
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `https://outbound.dev/problems/${type}`, title, status, detail });
}
