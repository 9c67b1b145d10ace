/**
 * The admin console's static files (built by Vite into web/dist) at /ui, public like any page
 * (the console signs in with an API key of its own). Unknown paths under /ui answer index.html so
 * reloading a console page works; nothing is fetched from elsewhere at run time.
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendProblem } from './problem-handling';

export const CONSOLE_PATH = '/ui';

export function consoleDir(): string {
  return resolve(process.env.OUTBOUND_CONSOLE_DIR ?? join(__dirname, '..', '..', 'web', 'dist'));
}

export function registerConsoleRoutes(app: FastifyInstance, dir = consoleDir()): void {
  void app.register(fastifyStatic, { root: dir, serve: false });
  const route = { config: { role: 'public' as const }, schema: { hide: true } };
  app.get(CONSOLE_PATH, route, async (_req, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  app.get(`${CONSOLE_PATH}/*`, route, async (req, reply) => {
    if (!existsSync(join(dir, 'index.html'))) return sendProblem(reply, 404, 'not-found', 'the console is not built: run npm run web:build');
    const wanted = normalize((req.params as { '*': string })['*'] || 'index.html');
    const file = resolve(dir, wanted);
    const inside = file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile();
    // Hashed assets are immutable; index.html must be re-read to pick up a new build.
    if (inside && wanted.startsWith(`assets${sep}`)) return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(wanted, { cacheControl: false });
    return reply.header('cache-control', 'no-cache').sendFile(inside ? wanted : 'index.html', { cacheControl: false });
  });
}
