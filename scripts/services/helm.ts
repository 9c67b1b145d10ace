import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findGo, projectRoot, ServiceStartError } from './service';

/** Helm, built from its Go module like the Temporal CLI (a version the Go module proxy serves). */
export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm@v3.22.0';
const toolsBin = join(projectRoot, 'tools', 'bin');

/** $OUTBOUND_HELM, else tools/bin/helm, else `go install` into tools/bin (a few minutes, once). */
export function ensureHelm(log: (line: string) => void = console.log): string {
  const explicit = process.env.OUTBOUND_HELM;
  if (explicit) {
    if (!existsSync(explicit)) throw new ServiceStartError('helm', `OUTBOUND_HELM=${explicit} does not exist`);
    return explicit;
  }
  const cached = join(toolsBin, 'helm');
  if (existsSync(cached)) return cached;
  const go = findGo();
  if (!go) throw new ServiceStartError('helm', `Go is not available to build Helm: install Go, or set OUTBOUND_HELM=/path/to/helm (go install ${HELM_MODULE})`);
  mkdirSync(toolsBin, { recursive: true });
  log(`[helm] building Helm (go install ${HELM_MODULE}); first time only, a few minutes...`);
  const started = Date.now();
  const result = spawnSync(go, ['install', HELM_MODULE], { env: { ...process.env, GOBIN: toolsBin, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0 || !existsSync(cached)) throw new ServiceStartError('helm', `go install ${HELM_MODULE} failed (exit ${result.status}); see the output above`);
  log(`[helm] built tools/bin/helm in ${Math.round((Date.now() - started) / 1000)} s`);
  return cached;
}
