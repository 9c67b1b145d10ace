import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import FindMyWay from 'find-my-way';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApiError, jsonPointer, type RequestIssue } from './api-errors';
import { ChannelNotRunningError } from './channel-control';

export const PROBLEM_TYPE = 'application/problem+json';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  issues?: RequestIssue[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, status: number, kind: string, detail?: string, issues?: RequestIssue[]): FastifyReply {
  const body: ProblemBody = { type: `urn:outbound:problem:${kind}`, title: TITLES[status] ?? 'Error', status, detail };
  if (issues?.length) body.issues = issues;
  return reply.code(status).type(PROBLEM_TYPE).send(JSON.stringify(body));
}

const CONTEXT_ROOT: Record<string, string> = { body: '/body', querystring: '/query', params: '/params', headers: '/headers' };

/** Fastify's own client errors (parser, limits), by code: status, kind and a safe message. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported-media-type', 'send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid-request', 'the content length does not match the body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body-too-large', 'the body is larger than the limit'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid-request', 'the body is empty but declared as JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid-json', 'the body is not valid JSON'],
  FST_ERR_BAD_URL: [400, 'invalid-request', 'the URL is malformed'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'invalid-request', 'the request is malformed'],
};

/**
 * Every error the API answers with is application/problem+json naming the field by JSON pointer:
 * validation, parser errors (400/413/415), unknown routes (404) and methods (405). Unexpected
 * errors are logged (name and message only) and answered with a bare 500.
 */
export function installProblemHandling(app: FastifyInstance): void {
  // The same routes in a second router, to tell an unknown path (404) from a wrong method (405).
  const routes = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== 'HEAD' && m !== 'OPTIONS') routes.on(m as 'GET', route.url, () => undefined);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => routes.find(m as 'GET', path));
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, 405, 'method-not-allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}`);
    }
    return sendProblem(reply, 404, 'not-found', 'no such resource');
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) return sendProblem(reply, err.status, err.kind, err.message, err.issues);
    if (err instanceof ChannelNotRunningError) return sendProblem(reply, 409, 'channel-not-running', err.message);
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return sendProblem(reply, 409, 'already-running', 'the same operation is already running for this channel; try again when it finishes');
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const root = CONTEXT_ROOT[err.validationContext ?? 'body'] ?? '/body';
      const issues = err.validation.map((v) => {
        const issue = v.params.issue as { code?: string; keys?: string[]; message?: string } | undefined;
        // An unknown field is named itself, not its parent object.
        const pointer = issue?.code === 'unrecognized_keys' && issue.keys?.length ? `${root}${v.instancePath}/${issue.keys[0]}` : `${root}${v.instancePath}`;
        return { pointer, message: v.message ?? 'invalid' };
      });
      return sendProblem(reply, 400, 'invalid-request', 'the request does not match the API description', issues);
    }
    const known = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
    if (known) return sendProblem(reply, known[0], known[1], known[2]);
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(reply, err.statusCode, 'invalid-request', 'the request is malformed');
    }
    req.log.error({ err: { name: err.name, message: err.message } }, 'request failed');
    return sendProblem(reply, 500, 'internal', 'internal error; see the API log');
  });
}

export { jsonPointer };
