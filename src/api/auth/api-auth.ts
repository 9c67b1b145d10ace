import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import { AdminAuditLog, auditedObject } from './admin-audit-log';
import { ApiKeyStore, type ApiCaller } from './api-key-store';
import { isApiRole, roleAllows, type ApiRole, type RouteRole } from './api-role';
import { sendProblem } from './auth-problem';
import { DEFAULT_ALLOWED_HOSTS, hostAllowed } from './request-host';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs from its caller; absent means admin (deny by default). */
    role?: RouteRole;
  }
  interface FastifyRequest {
    /** The key that authenticated this request (absent on public routes). */
    caller?: ApiCaller;
  }
}

export interface ApiAuthOptions {
  keys: ApiKeyStore;
  audit: AdminAuditLog;
  /** Host header values the API answers to (hostnames, or host:port); loopback names by default. */
  allowedHosts?: readonly string[];
}

/** Auth on the state store's database (the same tables the CLI's `keys` commands write). */
export function apiAuthOnDatabase(db: Knex, allowedHosts?: readonly string[]): ApiAuthOptions {
  return { keys: new ApiKeyStore(db), audit: new AdminAuditLog(db), allowedHosts };
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token from `Authorization: Bearer <token>` (Temporal's `--codec-auth` sends the header value as given). */
function presentedToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/**
 * Registers the Host check, key authentication with role checks (route `config.role`), and the
 * audit of every authenticated write. Register before the routes.
 */
export function registerApiAuth(app: FastifyInstance, options: ApiAuthOptions): void {
  const allowedHosts = options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
  app.decorateRequest('caller', undefined);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(req.headers.host, allowedHosts)) {
      return sendProblem(reply, 421, 'host-not-allowed', 'Host not allowed', 'this API does not answer to the requested Host (see OUTBOUND_API_ALLOWED_HOSTS)');
    }
    const declared = req.routeOptions.config?.role;
    if (declared === 'public') return;
    // An unknown path still needs a key (any role) before it learns it is unknown.
    const needs: ApiRole = req.is404 ? 'read' : isApiRole(declared) ? declared : 'admin';
    const token = presentedToken(req);
    const caller = token ? await options.keys.verify(token) : undefined;
    if (!caller) {
      return sendProblem(reply, 401, 'unauthorized', 'Unauthorized', 'an API key is required: Authorization: Bearer <key> (create one with `outbound keys create`)');
    }
    if (!roleAllows(caller.role, needs)) {
      return sendProblem(reply, 403, 'forbidden', 'Forbidden', `this operation needs the ${needs} role; the key has ${caller.role}`);
    }
    req.caller = caller;
  });

  // Written before the answer leaves, so an acknowledged write is always on record.
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!req.caller || READ_METHODS.has(req.method) || req.is404) return payload;
    const route = req.routeOptions.url ?? req.url.split('?')[0];
    try {
      await options.audit.record({
        at: new Date(),
        keyId: req.caller.keyId,
        role: req.caller.role,
        method: req.method,
        route,
        object: auditedObject(route, (req.params ?? {}) as Record<string, unknown>),
        status: reply.statusCode,
      });
    } catch (err) {
      req.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'admin audit write failed');
    }
    return payload;
  });
}
