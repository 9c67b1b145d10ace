/**
 * Refreshes the schemas the deploy tests validate against (deploy/schemas/), from Go modules:
 * the compose specification's JSON schema (github.com/compose-spec/compose-go/v2, schema/) and the
 * Kubernetes OpenAPI v3 documents (k8s.io/kubernetes, api/openapi-spec/v3), pruned to the kinds
 * the chart renders. Run by hand when bumping versions: `tsx scripts/vendor-deploy-schemas.ts`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './services/service';

export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2@v2.16.2';
export const KUBERNETES_MODULE = 'k8s.io/kubernetes@v1.34.4';
const GROUP_FILES: Record<string, string> = {
  v1: 'api__v1_openapi.json',
  'apps/v1': 'apis__apps__v1_openapi.json',
  'batch/v1': 'apis__batch__v1_openapi.json',
  'policy/v1': 'apis__policy__v1_openapi.json',
  'networking.k8s.io/v1': 'apis__networking.k8s.io__v1_openapi.json',
};
const KINDS = ['io.k8s.api.core.v1.Secret', 'io.k8s.api.core.v1.Service', 'io.k8s.api.apps.v1.Deployment', 'io.k8s.api.batch.v1.Job', 'io.k8s.api.policy.v1.PodDisruptionBudget', 'io.k8s.api.networking.v1.Ingress'];

function moduleDir(mod: string): string {
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const r = spawnSync(go, ['mod', 'download', '-json', mod], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.status !== 0) throw new Error(`go mod download ${mod} failed: ${r.stderr ?? r.error?.message}`);
  return (JSON.parse(r.stdout) as { Dir: string }).Dir;
}

function main() {
  const out = join(projectRoot, 'deploy', 'schemas');
  copyFileSync(join(moduleDir(COMPOSE_GO_MODULE), 'schema', 'compose-spec.json'), join(out, 'compose-spec.json'));
  const k8s = join(moduleDir(KUBERNETES_MODULE), 'api', 'openapi-spec', 'v3');
  const all: Record<string, unknown> = {};
  for (const file of Object.values(GROUP_FILES)) Object.assign(all, (JSON.parse(readFileSync(join(k8s, file), 'utf8')) as { components: { schemas: Record<string, unknown> } }).components.schemas);
  // Keep only the definitions reachable from the rendered kinds.
  const keep: Record<string, unknown> = {};
  const visit = (name: string) => {
    if (keep[name]) return;
    const def = all[name];
    if (!def) throw new Error(`missing definition ${name}`);
    keep[name] = def;
    for (const m of JSON.stringify(def).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(m[1]);
  };
  KINDS.forEach(visit);
  const doc = { $comment: `pruned from ${KUBERNETES_MODULE} api/openapi-spec/v3 by scripts/vendor-deploy-schemas.ts`, components: { schemas: keep } };
  writeFileSync(join(out, 'kubernetes-openapi-v3.json'), `${JSON.stringify(doc)}\n`);
  console.log(`deploy/schemas: compose-spec.json, kubernetes-openapi-v3.json (${Object.keys(keep).length} definitions)`);
}

if (require.main === module) main();
