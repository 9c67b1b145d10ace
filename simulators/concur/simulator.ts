import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ALL_SCOPES, LIMITS } from './constants';
import { ConcurApiError, OAuthError, throttleBody } from './concur-error';
import { adminRoutes } from './admin-routes';
import type { FaultDecision } from './fault-engine';
import { identityRoutes } from './identity-routes';
import { legacyV1Routes } from './legacy-v1-routes';
import { oauthRoutes } from './oauth-routes';
import type { FaultOptions, SimulatorOptions } from './options';
import { RequestLog, safeBody, safeHeaders, type SimRequestLog } from './request-log';
import { Router, type SimRequest, type SimResponse } from './router';
import { resolveOptions, SimContext } from './sim-context';
import { snapshotUser, type ConcurSimUser } from './sim-user';
import { upsRoutes } from './ups-routes';
import { setHistory } from './user-history';
import type { StoredUser } from './user-store';

/** The running simulator, as tests, the demo and benchmarks drive it. */
export interface ConcurSimulator {
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Base URL after listen (e.g. http://127.0.0.1:8090); throws before. */
  readonly url: string;
  mintToken(opts?: { companyId?: string; scopes?: string[]; expiresInSeconds?: number }): string;
  users(): ConcurSimUser[];
  requests(): SimRequestLog[];
  setFaults(f: FaultOptions): void;
  /** Gives a user transaction history (or takes it away): Concur then refuses to delete it. */
  setHistory(id: string, history: boolean): void;
  reset(): void;
  /** Request counters since start or the last reset (also `GET /_sim/stats`). */
  stats(): SimStats;
}

export class SimulatorStateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorStateError';
  }
}

/** API requests (not `/_sim/*`) since start or the last reset, for benchmarks and chaos runs. */
export interface SimStats {
  requests: number;
  /** Answers sent, by HTTP status. */
  byStatus: Record<number, number>;
  /** Connections destroyed before any work. */
  resets: number;
  /** Requests processed whose answer was dropped. */
  lost: number;
}

const emptyStats = (): SimStats => ({ requests: 0, byStatus: {}, resets: 0, lost: 0 });

const JSON_TYPE = 'application/json; charset=utf-8';

function scimFault(status: number, detail: string): SimResponse {
  return { status, body: new ConcurApiError(status, detail, { messages: [{ code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', message: detail, type: 'error' }] }).toBody() };
}

class ConcurSimulatorServer implements ConcurSimulator {
  private readonly ctx: SimContext;
  private readonly router = new Router();
  private readonly log: RequestLog;
  private readonly held = new Set<ServerResponse>();
  private server?: Server;
  private listening?: string;
  private saver?: NodeJS.Timeout;
  private savedGeneration = -1;
  private counters: SimStats = emptyStats();

  constructor(options: SimulatorOptions) {
    this.ctx = new SimContext(resolveOptions(options));
    this.log = new RequestLog(this.ctx.options.requestLogLimit);
    adminRoutes(this.router, this.ctx, this.log, { onReset: () => this.reset(), stats: () => this.counters });
    oauthRoutes(this.router, this.ctx);
    identityRoutes(this.router, this.ctx);
    upsRoutes(this.router, this.ctx);
    if (this.ctx.options.legacyV1) legacyV1Routes(this.router, this.ctx);
    this.loadState();
  }

  get url(): string {
    if (!this.listening) throw new SimulatorStateError('the simulator is not listening yet; call listen() first');
    return this.listening;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server) throw new SimulatorStateError('already listening');
    const tls = this.ctx.options.tls;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
    // Longer than clients' keep-alive so pooled connections are not cut under them.
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.listening = `${tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;
    this.ctx.baseUrl = this.listening;
    if (this.ctx.options.stateFile) {
      this.saver = setInterval(() => this.saveState(), 1000);
      this.saver.unref();
    }
    return { url: this.listening };
  }

  async close(): Promise<void> {
    if (this.saver) clearInterval(this.saver);
    this.saveState();
    this.ctx.provisions.clear();
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  mintToken(opts: { companyId?: string; scopes?: string[]; expiresInSeconds?: number } = {}): string {
    const ttl = opts.expiresInSeconds ?? this.ctx.options.accessTokenTtlSeconds;
    return this.ctx.tokens.mint({ companyId: opts.companyId ?? this.ctx.defaultCompany, scopes: new Set(opts.scopes ?? ALL_SCOPES), type: 'company' }, ttl).token;
  }

  users(): ConcurSimUser[] {
    return [...this.ctx.store.all()].map((u) => snapshotUser(u, this.listening ?? 'http://127.0.0.1'));
  }

  requests(): SimRequestLog[] {
    return this.log.since(0);
  }

  setFaults(f: FaultOptions): void {
    this.ctx.faults.set(f);
  }

  setHistory(id: string, history: boolean): void {
    setHistory(this.ctx.store, id, history);
  }

  stats(): SimStats {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.ctx.reset();
    this.log.clear();
    this.counters = emptyStats();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';
    const isAdmin = path.startsWith('/_sim/');
    const decision: FaultDecision = isAdmin ? { kind: 'none', delayMs: 0 } : this.ctx.faults.decide(path);
    const entry = (status: number, body: unknown, fault?: SimRequestLog['fault']) =>
      this.log.push({ time: new Date().toISOString(), method, path: rawUrl, status, durationMs: Math.round((performance.now() - started) * 100) / 100, headers: safeHeaders(req.headers), body, fault });

    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.kind === 'reset') {
      if (!isAdmin) this.counters.resets++;
      entry(0, undefined, 'reset');
      req.socket.destroy();
      return;
    }
    if (decision.kind === 'timeout') {
      // Held without an answer until the client gives up or the simulator closes.
      entry(0, undefined, 'timeout');
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      req.resume();
      return;
    }

    let raw: string;
    let bytes: number;
    try {
      ({ raw, bytes } = await readBody(req));
    } catch (err) {
      this.send(res, { status: 413, body: new ConcurApiError(413, (err as Error).message).toBody() }, randomUUID());
      entry(413, undefined);
      return;
    }
    const correlationId = String(req.headers['concur-correlationid'] ?? randomUUID());
    if (!isAdmin) this.counters.requests++;
    const loggedBody = this.ctx.options.logBodies ? safeBody(raw, req.headers['content-type']) : undefined;
    let response: SimResponse;
    let fault: SimRequestLog['fault'];
    if (decision.kind === 'throttle') {
      fault = 'throttle';
      response = { status: 429, body: throttleBody(path), headers: { 'retry-after': String(decision.retryAfterSeconds) } };
    } else if (decision.kind === 'error') {
      fault = 'error';
      response = scimFault(decision.status, 'Simulated server fault');
    } else {
      response = await this.dispatch({ method, path, query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)), headers: req.headers, rawBody: raw, bodyBytes: bytes, correlationId }, isAdmin);
    }
    if (!isAdmin) this.counters.byStatus[response.status] = (this.counters.byStatus[response.status] ?? 0) + 1;
    if (decision.kind === 'none' && decision.lose) {
      // The work is done (user created or updated) but the answer never reaches the client.
      this.counters.lost++;
      entry(0, loggedBody, 'lost');
      req.socket.destroy();
      return;
    }
    this.send(res, response, correlationId);
    entry(response.status, loggedBody, fault);
  }

  private async dispatch(req: SimRequest, isAdmin: boolean): Promise<SimResponse> {
    try {
      // Concur rejects chunked request bodies (digest §1).
      if (!isAdmin && /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''))) {
        throw new ConcurApiError(400, 'Chunked transfer-encoding is not supported; send Content-Length', { messages: [{ code: 'INVALID_VALUE', message: 'Chunked transfer-encoding is not supported', type: 'error' }] });
      }
      const m = this.router.match(req.method, req.path);
      if (m === undefined) throw new ConcurApiError(404, `No resource at ${req.path}`, { messages: [{ code: 'NOT_FOUND', message: `No resource at ${req.path}`, type: 'error' }] });
      if (m === 'method') throw new ConcurApiError(405, `Method ${req.method} is not allowed on ${req.path}`);
      return await m.handler(req, m.params);
    } catch (err) {
      if (err instanceof ConcurApiError) return { status: err.status, body: err.toBody(), headers: err.headers };
      if (err instanceof OAuthError) return { status: err.status, body: err.toBody() };
      console.error('[concur-simulator] unexpected error', err);
      return scimFault(500, 'Internal simulator error');
    }
  }

  private send(res: ServerResponse, r: SimResponse, correlationId: string): void {
    const headers: Record<string, string> = { 'concur-correlationid': correlationId, ...(r.headers ?? {}) };
    if (r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
      return;
    }
    const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    headers['content-type'] = r.contentType ?? JSON_TYPE;
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(r.status, headers);
    res.end(text);
  }

  private loadState(): void {
    const file = this.ctx.options.stateFile;
    if (!file || !existsSync(file)) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { users?: StoredUser[] };
      this.ctx.store.load(data.users ?? []);
      this.savedGeneration = this.ctx.store.generation;
    } catch (err) {
      throw new SimulatorStateError(`cannot load state file ${file}`, { cause: err });
    }
  }

  private saveState(): void {
    const file = this.ctx.options.stateFile;
    if (!file || this.ctx.store.generation === this.savedGeneration) return;
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ savedAt: new Date().toISOString(), users: this.ctx.store.dump() }));
    renameSync(tmp, file);
    this.savedGeneration = this.ctx.store.generation;
  }
}

function readBody(req: IncomingMessage): Promise<{ raw: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > LIMITS.maxBodyBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Error(`The request body exceeds ${LIMITS.maxBodyBytes} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve({ raw: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'), bytes }));
    req.on('error', reject);
  });
}

export function createConcurSimulator(options: SimulatorOptions = {}): ConcurSimulator {
  return new ConcurSimulatorServer(options);
}
